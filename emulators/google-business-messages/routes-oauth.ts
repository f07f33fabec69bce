/** POST /token: Google's OAuth 2.0 token endpoint for the JWT bearer grant of service accounts. */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.js';
import { OAUTH_ERRORS, unsupportedGrantType } from './errors.js';
import { checkAssertion, JWT_BEARER_GRANT } from './oauth.js';

export const TOKEN_PATH = '/token';

export function registerOAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(TOKEN_PATH, async (req, reply) => {
    void reply.header('cache-control', 'no-cache, no-store, max-age=0, must-revalidate').header('pragma', 'no-cache');
    const form = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const grantType = form['grant_type'];
    const assertion = form['assertion'];
    if (typeof grantType !== 'string' || grantType === '') return reply.code(400).send(OAUTH_ERRORS.noGrantType);
    if (grantType !== JWT_BEARER_GRANT) return reply.code(400).send(unsupportedGrantType(grantType));
    if (typeof assertion !== 'string' || assertion === '') return reply.code(400).send(OAUTH_ERRORS.noAssertion);
    const reached = typeof req.headers.host === 'string' ? [`${req.protocol}://${req.headers.host}${TOKEN_PATH}`] : [];
    const r = checkAssertion(assertion, {
      account: (email) => ctx.state.accountByEmail(email),
      audiences: [ctx.tokenUrl, ...reached],
      nowSec: Math.floor(ctx.state.now() / 1000),
    });
    if (!r.ok) return reply.code(r.error.error === 'unauthorized_client' ? 401 : 400).send(r.error);
    const issued = ctx.tokens.issue(r.account, r.scopes);
    return { access_token: issued.token, expires_in: ctx.tokens.ttlSec, token_type: 'Bearer' };
  });
}
