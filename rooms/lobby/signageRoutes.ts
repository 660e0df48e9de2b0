import { matchMaker } from "@colyseus/core";
import { Router } from "express";
import { z } from "zod";
import { ErrorCode } from "../../schema/codes";
import { describeIssues, PublishMessage, SignageChannelName } from "../../schema/messages";
import { ApiError } from "../../server/ApiError";
import { requireRole } from "../../server/auth/requireRole";
import { idempotentPublish } from "../../server/idempotency";
import { rateLimitPerIp } from "../../server/limits/httpRateLimit";
import { jsonBody } from "../../server/limits/jsonBody";
import type { ArenaContext } from "../ArenaContext";
import { broadcastsAfter, publishBroadcast } from "./signage";

const AfterQuery = z.object({
  after: z.coerce.number().int().min(0).max(0xffff_ffff).default(0),
  /** The epoch of `after`, as a previous answer or broadcast gave it. */
  epoch: z.string().min(1).max(32).optional(),
});

function channelParam(raw: string): string {
  const parsed = SignageChannelName.safeParse(raw);
  if (!parsed.success) throw new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Signage over HTTP: operators publish (the same publish path as the lobby's
 * `publish`), displays poll when their socket cannot connect, anyone fetches
 * the key that verifies broadcasts.
 */
export function signageRoutes({ config, admission, fanout, broadcasts, signageChannels, loadShedder }: ArenaContext): Router {
  const router = Router();
  const publishOnce = idempotentPublish({ presence: () => matchMaker.presence, windowSeconds: config.ARENA_IDEMPOTENCY_SECONDS, scope: "channels" });

  router.post(
    "/api/channels/:channel/messages",
    loadShedder.refuseWhenOverloaded,
    rateLimitPerIp("publish", config.ARENA_PUBLISH_REQUESTS_PER_MINUTE, config.ARENA_TRUST_PROXY),
    requireRole(admission, "operator"),
    jsonBody(config.ARENA_MAX_HTTP_BODY_BYTES),
    (req, res, next) => {
      const body = PublishMessage.safeParse({ ...req.body, channel: req.params.channel });
      if (!body.success) return next(new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(body.error)));
      publishOnce(req, res, () => publishBroadcast(fanout, signageChannels, body.data.channel, body.data.payload)).then((published) => res.status(201).json(published), next);
    },
  );

  router.get("/api/channels/:channel/messages", requireRole(admission, "display", "operator"), (req, res, next) => {
    const query = AfterQuery.safeParse(req.query);
    if (!query.success) return next(new ApiError(ErrorCode.INVALID_REQUEST, describeIssues(query.error)));
    const from = { epoch: query.data.epoch, seq: query.data.after };
    broadcastsAfter(fanout, broadcasts, channelParam(req.params.channel), from).then((polled) => res.json(polled), next);
  });

  router.get("/.well-known/jwks.json", (_req, res) => {
    res.json(broadcasts.signer.jwks);
  });

  return router;
}
