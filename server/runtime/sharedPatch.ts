import { ClientState } from "@colyseus/core";
import { $changes, Schema, StateView } from "@colyseus/schema";

const { JOINED } = ClientState;

interface ViewHolder {
  state: ClientState;
  view?: StateView;
}

/**
 * Whether every joined client's patch this tick would be the shared patch
 * alone: no view-filtered field changed and no joined client's view changed
 * (view.add/remove) since the last patch. Colyseus 0.16 still encodes a patch
 * per client with a view on such ticks (the shared part followed by nothing):
 * most ticks of a 6v6 match (docs/benchmarks.md, "Views and the shared patch").
 * A client still joining gets no patch (its view's changes wait for its first
 * one, as in Colyseus), so it does not count; otherwise every tick would go per
 * client while anyone is joining.
 */
function viewsIdle(state: Schema, clients: ArrayLike<ViewHolder>): boolean {
  const root = state[$changes]?.root;
  if (root === undefined || root.filteredChanges.next !== undefined) return false;
  for (let i = 0; i < clients.length; i++) if (clients[i].state === JOINED && clients[i].view?.changes.size) return false;
  return true;
}

/**
 * Runs `send` (Colyseus's patch) with the clients' views set aside, then puts
 * them back: Colyseus encodes the patch once and sends the one buffer to
 * everyone, as it does for clients without a view. Only when `viewsIdle`: the
 * bytes are then what each client would have received anyway.
 */
function withViewsSetAside(clients: ArrayLike<ViewHolder>, send: () => void): void {
  const views = Array.from(clients, (client) => client.view);
  for (let i = 0; i < clients.length; i++) clients[i].view = undefined;
  try {
    send();
  } finally {
    for (let i = 0; i < clients.length; i++) clients[i].view = views[i];
  }
}

/**
 * Sends a tick's patch with `send` (Colyseus's broadcastPatch or applyPatches):
 * encoded once for everyone when no client's view has anything of its own to
 * send, per client otherwise. True when it went out shared.
 */
export function sendTickPatch(state: Schema, clients: ArrayLike<ViewHolder>, send: () => void): boolean {
  if (!viewsIdle(state, clients)) {
    send();
    return false;
  }
  withViewsSetAside(clients, send);
  return true;
}
