/** How an agent's load reads against capacity: "2 of 5 units", "chat 1/2, email 0/3". */
import { t } from '../i18n';
import type { AgentState } from '../lib/types';

export function usedAndTotal(a: Pick<AgentState, 'capacity' | 'load'>): { used: number; total: number } {
  if (a.capacity.mode === 'units') return { used: a.load.reduce((n, l) => n + l.units, 0), total: a.capacity.total };
  const total = Object.values(a.capacity.profiles).reduce((n, p) => n + p.maxItems, 0);
  return { used: a.load.length, total };
}

export function capacityText(a: Pick<AgentState, 'capacity' | 'load'>): string {
  if (a.capacity.mode === 'units') {
    const { used, total } = usedAndTotal(a);
    return t('capacity.units', { used, total });
  }
  const parts = Object.entries(a.capacity.profiles).map(([name, p]) => {
    const used = a.load.filter((l) => (l.profile ?? 'default') === name).length;
    return t('capacity.profile', { name, used, total: p.maxItems });
  });
  return parts.length ? parts.join(', ') : t('capacity.none');
}
