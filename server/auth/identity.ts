import { z } from "zod";

/** `service`: a backend pushing to users (POST /api/users/:sub/messages); it joins no room. */
export const ROLES = ["player", "display", "operator", "service"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Display names: what a token's `name` claim and the guest endpoint accept. */
export const DisplayName = z.string().trim().min(1).max(24);

/** Who a verified token speaks for: its `sub`, `name` and `role` claims. Rooms find it in `client.auth`. */
export const Identity = z.object({
  sub: z.string().min(1).max(128),
  name: DisplayName,
  role: Role,
});
export type Identity = z.infer<typeof Identity>;
