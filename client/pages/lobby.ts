import { arenaClient, MatchList, MatchListing } from "..";
import { TEAM_SIZE } from "../../rooms/match/rules";
import { byId, clock, showStatus } from "./lib/dom";
import { guestName, pageToken } from "./lib/pageToken";

/** Open matches from the lobby's live listing, with join and watch links. */
const status = byId("status");
const rows = byId<HTMLTableSectionElement>("matches");

function link(text: string, href: string): HTMLAnchorElement {
  const a = document.createElement("a");
  a.textContent = text;
  a.href = href;
  return a;
}

function phaseText(m: MatchListing): string {
  const meta = m.metadata;
  if (!meta) return "…";
  return meta.phaseEndsAt ? `${meta.phase} · ${clock((meta.phaseEndsAt - Date.now()) / 1000)}` : meta.phase;
}

function row(m: MatchListing): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.match = m.roomId;
  const meta = m.metadata;
  const cells: [string, string | Node[]][] = [
    ["", m.roomId],
    ["red", `${meta?.red ?? 0} / ${TEAM_SIZE}`],
    ["blue", `${meta?.blue ?? 0} / ${TEAM_SIZE}`],
    ["phase", phaseText(m)],
  ];
  const id = encodeURIComponent(m.roomId);
  const actions: Node[] = [];
  if ((meta?.red ?? 0) < TEAM_SIZE) actions.push(link("join red", `/?match=${id}&team=red`), document.createTextNode(" · "));
  if ((meta?.blue ?? 0) < TEAM_SIZE) actions.push(link("join blue", `/?match=${id}&team=blue`), document.createTextNode(" · "));
  actions.push(link("watch", `/spectate.html?match=${id}`));
  cells.push(["actions", actions]);
  for (const [cls, content] of cells) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    if (typeof content === "string") td.textContent = content;
    else td.append(...content);
    tr.append(td);
  }
  return tr;
}

async function main(): Promise<void> {
  showStatus(status, "connecting");
  let list: MatchList;
  try {
    list = await MatchList.join(arenaClient(location.origin, await pageToken("player", guestName())));
  } catch (error) {
    return showStatus(status, "error", `cannot list matches: ${(error as Error).message}`);
  }
  showStatus(status, "live");
  list.room.onLeave((code) => showStatus(status, "gone", `disconnected (${code}): reload to retry`));
  const render = () => {
    const matches = [...list.matches.values()];
    rows.replaceChildren(...matches.map(row));
    byId("empty").hidden = matches.length > 0;
  };
  list.onChange(render);
  render();
  // Phase timers count down between listing updates.
  setInterval(() => {
    for (const tr of Array.from(rows.rows)) {
      const m = list.matches.get(tr.dataset.match!);
      if (m) tr.querySelector(".phase")!.textContent = phaseText(m);
    }
  }, 1000);
}

void main();
