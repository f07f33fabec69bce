/** One message: content rendered as text (never HTML), media inline or as a link, delivery ticks. */
import { t, type MessageKey } from '../i18n';
import { formatBytes, formatDateTime, formatWhen } from '../lib/format';
import type { Message, MessageStatus } from '../lib/types';

const blobUrl = (id: string) => `/api/blobs/${encodeURIComponent(id)}`;

function Content({ m }: { m: Message }) {
  const c = m.content;
  switch (c.kind) {
    case 'text':
      return <p className="msg-text">{c.text}</p>;
    case 'template':
      return (
        <>
          <p className="msg-text">{c.text}</p>
          <p className="msg-meta-line">{t('message.templateNamed', { name: c.name })}</p>
        </>
      );
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      const blobId = c.media.blobId;
      if (!blobId) return <p className="msg-pending">{t('message.mediaDownloading')}</p>;
      const url = blobUrl(blobId);
      const name = c.media.fileName ?? t(`message.${c.kind}`);
      return (
        <>
          {c.kind === 'image' && (
            <a href={url} target="_blank" rel="noopener" className="msg-image-link">
              <img className="msg-image" src={url} alt={c.caption ?? t('message.imageFrom', { name })} loading="lazy" />
            </a>
          )}
          {c.kind === 'video' && (
            <video className="msg-video" src={url} controls preload="metadata">
              <a href={url}>{name}</a>
            </video>
          )}
          {c.kind === 'audio' && (
            <audio className="msg-audio" src={url} controls preload="metadata">
              <a href={url}>{name}</a>
            </audio>
          )}
          {c.kind === 'file' && (
            <a className="msg-file" href={url} download={c.media.fileName ?? undefined}>
              <span aria-hidden="true">📎 </span>
              {t('message.download', { name })}
              {c.media.size !== undefined && <span className="muted"> ({formatBytes(c.media.size)})</span>}
            </a>
          )}
          {c.caption && <p className="msg-text">{c.caption}</p>}
        </>
      );
    }
    case 'location': {
      const label = c.title ?? c.address ?? `${c.latitude}, ${c.longitude}`;
      const map = `https://www.openstreetmap.org/?mlat=${c.latitude}&mlon=${c.longitude}#map=16/${c.latitude}/${c.longitude}`;
      return (
        <p className="msg-text">
          <span aria-hidden="true">📍 </span>
          <a href={map} target="_blank" rel="noopener noreferrer">
            {label}
          </a>
          {c.title && c.address && <span className="muted"> — {c.address}</span>}
        </p>
      );
    }
    case 'sticker':
      return <p className="msg-text muted">{t('message.stickerWithId', { id: `${c.packageId}/${c.stickerId}` })}</p>;
    case 'postback':
      return <p className="msg-text muted">{t('message.postback', { label: c.label ?? c.data })}</p>;
    case 'event':
      return <p className="msg-text muted">{c.detail ? `${c.name}: ${c.detail}` : c.name}</p>;
  }
}

const STATUS_LABEL: Record<MessageStatus, MessageKey> = {
  received: 'status.received',
  queued: 'status.queued',
  sending: 'status.sending',
  sent: 'status.sent',
  delivered: 'status.delivered',
  read: 'status.read',
  failed: 'status.failed',
};

const STATUS_MARK: Record<MessageStatus, string> = {
  received: '',
  queued: '⏳',
  sending: '⏳',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '⚠',
};

export function Ticks({ m }: { m: Message }) {
  if (m.direction !== 'out') return null;
  const label = t(STATUS_LABEL[m.status]);
  return (
    <span className={`ticks ticks-${m.status}`} role="img" aria-label={label} title={label} data-status={m.status}>
      {STATUS_MARK[m.status]}
    </span>
  );
}

export function MessageItem({ m, author }: { m: Message; author: string }) {
  const mine = m.direction === 'out';
  return (
    <li className={`msg ${mine ? 'msg-out' : 'msg-in'} msg-kind-${m.content.kind}`} data-seq={m.seq} data-sender={m.senderType} data-testid="message">
      <div className="msg-bubble">
        <span className="visually-hidden">{author}: </span>
        <Content m={m} />
        <div className="msg-foot">
          <time dateTime={new Date(m.createdAt).toISOString()} title={formatDateTime(m.createdAt)}>
            {formatWhen(m.createdAt)}
          </time>
          <Ticks m={m} />
        </div>
        {m.status === 'failed' && (
          <p className="msg-error" role="alert">
            {t('message.failed', { reason: m.errorMessage ?? m.errorCode ?? t('message.failedUnknown') })}
          </p>
        )}
      </div>
    </li>
  );
}
