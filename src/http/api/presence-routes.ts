/** An agent's presence: Available, Busy, Busy-DND, Away, Offline. */
import { z } from 'zod';
import type { EventBus } from '../../services/event-bus.js';
import { PRESENCES, type UsersRepo } from '../../store/users-repo.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { AppError } from '../../errors.js';

export function presenceRoutes(d: { users: UsersRepo; bus: EventBus }): AnyRoute[] {
  return [
    defineRoute({
      method: 'PUT',
      path: '/api/me/presence',
      tag: 'presence',
      summary: 'Set your presence',
      auth: ['admin', 'supervisor', 'agent'],
      body: z.object({ presence: z.enum(PRESENCES) }),
      response: z.object({ presence: z.enum(PRESENCES) }),
      handler: async ({ user, body }) => {
        const u = await d.users.updateUser(user.id, { presence: body.presence });
        if (!u) throw new AppError('not_found', 'Your user no longer exists');
        d.bus.publish({ type: 'presence.updated', userId: u.id, presence: u.presence });
        return { presence: u.presence };
      },
    }),
  ];
}
