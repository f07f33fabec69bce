/**
 * Desktop notifications for offers while the tab is hidden. Permission is only ever asked from a
 * click (browsers ignore or penalise a request without a user gesture).
 */
export type NotifyPermission = NotificationPermission | 'unsupported';

export function notificationPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Call from a click handler only. */
export async function askNotificationPermission(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

const open = new Map<string, Notification>();

/** Shows a notification when the tab is hidden and permission is granted; clicking it focuses the tab. */
export function notifyIfHidden(tag: string, title: string, body: string, onClick?: () => void): boolean {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  if (document.visibilityState !== 'hidden') return false;
  try {
    const n = new Notification(title, { body, tag, requireInteraction: true });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
    n.onclose = () => open.delete(tag);
    open.set(tag, n);
    return true;
  } catch {
    // Some platforms only allow notifications from a service worker: the in-page panel remains.
    return false;
  }
}

export function closeNotification(tag: string): void {
  open.get(tag)?.close();
  open.delete(tag);
}
