/** Offers a desktop notification for offers while the tab is hidden; the browser asks on this click. */
import { useState } from 'react';
import { t } from '../i18n';
import { askNotificationPermission, notificationPermission } from '../lib/notify';

export function NotificationPrompt() {
  const [perm, setPerm] = useState(notificationPermission());
  if (perm !== 'default') return null;
  return (
    <div className="notify-prompt">
      <p className="small">{t('offers.notifyHint')}</p>
      <button type="button" className="button button-small" onClick={() => void askNotificationPermission().then(setPerm)}>
        {t('offers.notifyEnable')}
      </button>
    </div>
  );
}
