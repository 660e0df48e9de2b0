import type { RequestHandler } from "express";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ErrorCode } from "../../schema/codes";
import { ApiError } from "../ApiError";
import { clientIp } from "./clientIp";

/**
 * Express middleware: at most `perMinute` requests per client IP per minute on
 * the routes it guards, then 429 `rate_limited` with Retry-After. In-process
 * counters (rate-limiter-flexible; its Redis store shares them across nodes).
 */
export function rateLimitPerIp(name: string, perMinute: number, trustProxy: boolean): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: name, points: perMinute, duration: 60 });
  return (req, _res, next) => {
    limiter.consume(clientIp(req, trustProxy)).then(
      () => next(),
      (rejection: RateLimiterRes | Error) => {
        if (rejection instanceof Error) return next(rejection);
        const retryAfter = Math.ceil(rejection.msBeforeNext / 1000);
        next(new ApiError(ErrorCode.RATE_LIMITED, `more than ${perMinute} ${name} requests a minute; retry in ${retryAfter} s`, retryAfter));
      },
    );
  };
}
