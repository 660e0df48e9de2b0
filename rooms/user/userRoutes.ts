import { matchMaker } from "@colyseus/core";
import { Router } from "express";
import { z } from "zod";
import { ErrorCode } from "../../schema/codes";
import { describeIssues, UserBatch, UserPost, UserSub } from "../../schema/messages";
import type { UserBatchAnswer, UserMessage } from "../../schema/serverMessages";
import { ApiError } from "../../server/ApiError";
import { idempotentPublish } from "../../server/idempotency";
import { identityOf, requireRole } from "../../server/auth/requireRole";
import { ROLES } from "../../server/auth/identity";
import { rateLimitPerIp } from "../../server/limits/httpRateLimit";
import { jsonBody } from "../../server/limits/jsonBody";
import type { ArenaContext } from "../ArenaContext";
import { userChannel, userChannelKey } from "../fanout/keys";
import { pushToUser, UserPostPayload } from "./UserFeeds";

const PollQuery = z.object({
  after: z.coerce.number().int().min(0).max(0xffff_ffff).default(0),
  epoch: z.string().min(1).max(32).optional(),
});

function subParam(raw: string): string {
  const parsed = UserSub.safeParse(raw);
  if (!parsed.success) throw new ApiError(ErrorCode.INVALID_REQUEST, `user: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * User channels over HTTP: a backend (role `service`) or an operator pushes to
 * every connection of an identity; a device that cannot hold a socket polls its
 * own identity's channel, and only its own.
 */
export function userRoutes({ config, admission, fanout, loadShedder }: ArenaContext): Router {
  const router = Router();
  const publishOnce = idempotentPublish({ presence: () => matchMaker.presence, windowSeconds: config.ARENA_IDEMPOTENCY_SECONDS, scope: "users" });

  router.post(
    "/api/users/:sub/messages",
    loadShedder.refuseWhenOverloaded,
    rateLimitPerIp("publish", config.ARENA_PUBLISH_REQUESTS_PER_MINUTE, config.ARENA_TRUST_PROXY),
    requireRole(admission, "service", "operator"),
    jsonBody(config.ARENA_MAX_HTTP_BODY_BYTES),
    (req, res, next) => {
      const sub = subParam(req.params.sub);
      const body = UserPost.safeParse(req.body ?? {});
      if (!body.success) return next(new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(body.error)));
      publishOnce(req, res, () => pushToUser(fanout, sub, body.data.payload).then((m) => ({ channel: userChannel(sub), epoch: m.epoch, seq: m.seq })))
        .then((published) => res.status(201).json(published), next);
    },
  );

  // A backend's batch: each message to its identity, in order. A batch the store refused whole answers
  // 503 (nothing published: send it again); one cut short by a lost store lists what did not go out.
  router.post(
    "/api/users/messages",
    loadShedder.refuseWhenOverloaded,
    rateLimitPerIp("publish", config.ARENA_PUBLISH_REQUESTS_PER_MINUTE, config.ARENA_TRUST_PROXY),
    requireRole(admission, "service", "operator"),
    jsonBody(config.ARENA_MAX_HTTP_BODY_BYTES),
    (req, res, next) => {
      const body = UserBatch.safeParse(req.body ?? {});
      if (!body.success) return next(new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(body.error)));
      publishOnce(req, res, () => pushBatch(fanout, body.data.messages)).then((answer) => res.status(201).json(answer), next);
    },
  );

  router.get("/api/users/:sub/messages", requireRole(admission, ...ROLES), (req, res, next) => {
    const sub = subParam(req.params.sub);
    if (identityOf(res).sub !== sub) return next(new ApiError(ErrorCode.FORBIDDEN_CHANNEL, "a user channel is read by its own identity only"));
    const query = PollQuery.safeParse(req.query);
    if (!query.success) return next(new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(query.error)));
    fanout.history(userChannelKey(sub), { epoch: query.data.epoch, seq: query.data.after }).then((history) => {
      const messages: UserMessage[] = history.messages.map((m) => ({
        channel: userChannel(sub), epoch: m.epoch, seq: m.seq, payload: (m.payload as UserPostPayload).payload, ts: m.ts,
      }));
      res.json({ epoch: history.epoch, reset: history.reset, gap: history.gap, messages });
    }, next);
  });

  return router;
}

/** Publishes each message in order (one connection to the store keeps them in order); throws only when none went out. */
async function pushBatch(fanout: ArenaContext["fanout"], messages: { sub: string; payload: unknown }[]): Promise<UserBatchAnswer> {
  const settled = await Promise.allSettled(messages.map(({ sub, payload }) => pushToUser(fanout, sub, payload)));
  const refused = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (refused && settled.every((s) => s.status === "rejected")) throw refused.reason;
  return {
    results: settled.map((s, i) => {
      const channel = userChannel(messages[i].sub);
      if (s.status === "fulfilled") return { channel, epoch: s.value.epoch, seq: s.value.seq };
      const error = s.reason instanceof ApiError ? s.reason : new ApiError(ErrorCode.INTERNAL, "not published");
      return { channel, error: { code: error.code, message: error.message } };
    }),
  };
}
