/** A LINE user's public profile. 404 (not a friend, unknown, or a group/room id) → undefined. */
import { z } from 'zod';
import type { Profile } from '../adapter.js';
import { describeLineError } from './errors.js';
import { readJson, type LineHttp } from './http.js';

const profileSchema = z.object({
  displayName: z.string().optional(),
  pictureUrl: z.string().optional(),
  language: z.string().optional(),
});

export async function fetchLineProfile(http: LineHttp, userId: string, signal?: AbortSignal): Promise<Profile | undefined> {
  let response: Response;
  try {
    response = await http.request(`${http.apiBase}/v2/bot/profile/${encodeURIComponent(userId)}`, {}, signal);
  } catch (err) {
    throw new Error(`LINE profile of ${userId} could not be fetched: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  const body = await readJson(response);
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new Error(`LINE profile of ${userId} could not be fetched: HTTP ${response.status} ${describeLineError(response.status, body)}`);
  }
  const parsed = profileSchema.safeParse(body);
  if (!parsed.success) throw new Error(`LINE profile of ${userId}: unexpected answer`);
  const { displayName, pictureUrl, language } = parsed.data;
  const profile: Profile = {};
  if (displayName !== undefined) profile.displayName = displayName;
  if (pictureUrl !== undefined) profile.pictureUrl = pictureUrl;
  if (language !== undefined) profile.language = language;
  return profile;
}
