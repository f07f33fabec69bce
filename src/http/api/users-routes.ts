/** Admin center: users, their roles and the secured-field permission. */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type AuthService } from '../../services/auth-service.js';
import { PRESENCES, type UsersRepo } from '../../store/users-repo.js';
import { defineRoute, type AnyRoute } from '../route.js';

const RoleSchema = z.enum(['admin', 'supervisor', 'agent']);

/** A user as the API shows it (never a password hash). Times are epoch milliseconds. */
export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  canViewSecrets: z.boolean().describe('May read secured fields (credentials) in clear; admins always may.'),
  presence: z.enum(PRESENCES),
  disabled: z.boolean(),
  createdAt: z.number().int(),
});

const Password = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);
const IdParams = z.object({ id: z.string().min(1).max(100) });

const CreateUserBody = z.object({
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  password: Password,
  role: RoleSchema,
  canViewSecrets: z.boolean().optional(),
});

const PatchUserBody = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    canViewSecrets: z.boolean().optional(),
    disabled: z.boolean().optional(),
    password: Password.optional(),
  })
  .strict();

export function usersRoutes(deps: { auth: AuthService; users: UsersRepo }): AnyRoute[] {
  const { auth, users } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/users',
      summary: 'List users',
      tag: 'users',
      auth: ['admin', 'supervisor'],
      response: z.object({ users: z.array(UserSchema) }),
      handler: async () => ({ users: await users.listUsers() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users',
      summary: 'Create a user',
      tag: 'users',
      auth: ['admin'],
      body: CreateUserBody,
      response: UserSchema,
      successStatus: 201,
      handler: async ({ body }) => auth.createUser(body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/:id',
      summary: 'Get a user',
      tag: 'users',
      auth: ['admin', 'supervisor'],
      params: IdParams,
      response: UserSchema,
      handler: async ({ params }) => {
        const user = await users.getUser(params.id);
        if (!user) throw new AppError('not_found', 'No such user');
        return user;
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/users/:id',
      summary: 'Change a user: role, display name, secured-field permission, disabled, password',
      tag: 'users',
      auth: ['admin'],
      params: IdParams,
      body: PatchUserBody,
      response: UserSchema,
      handler: async ({ params, body }) => auth.updateUser(params.id, body),
    }),
  ];
}
