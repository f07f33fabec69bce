import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { chooseLanguage, currentLanguage } from './i18n';
import './styles.css';

// The chosen language's dictionary is loaded before the first render (English is built in).
void chooseLanguage().then(() => {
  document.documentElement.lang = currentLanguage();
  const root = document.getElementById('root');
  if (root) {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  }
});
