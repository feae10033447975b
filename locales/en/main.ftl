# spacewarden's messages in English: the first text of every message id.
#
# Every id here must be in every other file under locales/ too (the test
# `every_language_has_every_id` fails otherwise), and every id the code names must be
# here (`every_id_the_code_names_exists`). Ids are grouped by where they show; a group
# for chat, alerts or the CLI goes in its own section below the page's.
# Arguments: strings are inserted as they are (the caller escapes for its medium);
# numbers pick the plural form (`[one]`, `*[other]`).

## Languages and dates

# This language's name in itself, for the language switch.
lang-name = English
# strftime patterns: a day of the uptime bar, a check's time.
date-day = %b %-d
date-clock = %b %-d %H:%M:%S
list-colon = {": "}
list-separator = {", "}

## Relative times and durations (units: min, h, d)

ago-just-now = just now
ago-in-a-moment = in a moment
ago-past = { $n } { $unit } ago
ago-future = in { $n } { $unit }
span-s = { $s } s
span-min = { $min } min
span-h = { $h } h
span-d = { $d } d
span-h-min = { $h } h { $min } min
span-d-h = { $d } d { $h } h

## Verdicts (codes stay in JSON; these are what people read)

verdict-up = up
verdict-degraded = degraded
verdict-starting = starting
verdict-down = down
verdict-broken-config = broken config
verdict-sleeping = sleeping
verdict-paused = paused
verdict-unknown-stage = unknown stage
verdict-unreachable = unreachable
verdict-pending = not checked yet

## Action rows: what, by whom, why, how it ended (in English, the stored words)

action-kind-restart = restart
action-kind-rebuild = rebuild
action-kind-wake = wake
action-kind-pause = pause
action-kind-sleeptime = sleeptime
action-actor-spacewarden = spacewarden
action-actor-schedule = schedule
action-actor-api = api
action-actor-cli = cli
action-via-web = web
action-via-telegram = telegram
action-via-discord = discord
action-person = { $via }:{ $user }
action-trigger-auto = auto
action-trigger-manual = manual
action-trigger-schedule = schedule
action-result-recovered = recovered
action-result-failed = failed
action-result-woken = woken
action-result-back-up = back up
action-in-progress = in progress

## Buttons and what each action does (the command descriptions for the page)

button-restart = Restart
button-rebuild = Rebuild
button-pause = Pause
button-wake = Wake
button-mute = Mute
button-unmute = Unmute
command-restart-description = Restart the Space
command-rebuild-description = Factory rebuild of the Space
command-pause-description = Pause the Space (it stops billing)
command-wake-description = Wake a sleeping Space
command-mute-description = Mute the Space's alerts for a while
command-unmute-description = Unmute the Space's alerts
mute-for = Mute for

## The frame: header, footer, theme

header-role-admin = admin
header-role-viewer = viewer
header-signed-in-as = Signed in as
header-sign-in = Sign in
header-sign-out = Sign out
header-language = Language
theme-system = Theme: system
theme-light = Theme: light
theme-dark = Theme: dark
theme-click = { $theme } (click to change)
footer-static = static report
footer-signed-in = signed in
footer-read-only = read-only status page
footer-rendered = rendered

## The overview

status-title = Status
banner-nothing-watched = Nothing watched yet: set SPACES.
banner-all-fine = All watched Spaces are fine
banner-attention = { $count ->
    [one] { $count } Space needs attention
   *[other] { $count } Spaces need attention
}
banner-attention-of = { $total ->
    [one] { $count } of { $total } Space needs attention
   *[other] { $count } of { $total } Spaces need attention
}
summary-watched = { $count } watched
summary-last-check = last check
summary-next = next
filter-placeholder = Filter by name
filter-label = Filter Spaces by name
filter-button = Filter
filter-shown = { $shown } of { $total } shown
filter-show-all = show all
status-needs-attention = Needs attention
status-spaces = Spaces
status-none-watched = No Space is watched.
status-none-match = No Space matches the filter.
status-recent-incidents = Recent incidents
status-recent-actions = Recent actions
card-checked = checked
card-incident-since = Incident since
owner-spaces = { $count ->
    [one] { $count } Space
   *[other] { $count } Spaces
}
owner-need-attention = { $count ->
    [one] { $count } needs attention
   *[other] { $count } need attention
}
live-label = live
live-title = CPU · memory · network ↓ in ↑ out
token-problem = Token for { $owner }

## Table columns

col-space = Space
col-verdict = Verdict
col-stage = Stage
col-hardware = Hardware
col-checked = Checked
col-90-days = 90 days
col-live = Live
col-actions = Actions
col-opened = Opened
col-lasted = Lasted
col-cause = Cause
col-resolution = Resolution
col-started = Started
col-action = Action
col-by = By
col-result = Result
col-detail = Detail
col-when = When
col-probe = Probe
col-error = Error
uptime-24h = 24 h
uptime-7d = 7 d
uptime-30d = 30 d
incidents-none = No incidents.
actions-none = No actions.
checks-none = No checks stored.
incident-open = (open)

## The uptime bar

bar-label = { $days }-day uptime: { $figure }
bar-days-ago = { $days } days ago
bar-today = today
bar-no-data = no data
bar-not-checked = not checked
bar-day = { $date }: { $figure }
bar-day-unchecked = { $date }: not checked for { $unchecked }
bar-day-partly = { $date }: { $figure }; not checked for { $unchecked }

## A Space's page

space-all-spaces = All Spaces
space-sign-in-to-act = to restart, rebuild, pause or mute this Space.
space-live-metrics = Live metrics
space-uptime-90 = Uptime, last 90 days
space-incidents = Incidents
space-actions = Actions
space-latest-checks = Latest checks
fact-stage-since = In stage since
fact-last-check = Last check
fact-uptime = Uptime
fact-last-visit = Last keep-alive visit
fact-app = App
fact-repairs = Repairs
fact-gave-up = gave up: needs a human
fact-muted = Alerts muted
fact-muted-until = until
cause-label = Cause
incident-open-title = Open incident
incident-since = since
live-memory = Memory
live-download = Download
live-upload = Upload
live-sparkline = { $figure }, last samples
live-samples = { $count ->
    [one] { $count } sample, the last
   *[other] { $count } samples, the last
}
live-connecting = Connecting to the Hub…
live-retrying = The live figures stopped; trying again…
live-unavailable = Live figures are not available now.
live-busy = Too many live streams are open; try again later.
live-none = Live figures appear here while the Space runs.
probe-answer = { $status } in { $ms } ms
probe-no-answer = no answer ({ $ms } ms)

## Costs

cost-title = Cost
cost-last-days = Last { $days } days: { $total }
cost-partial = plus hardware without a known price
cost-projection = this month at this pace: { $total }
cost-per-space = Cost per Space
cost-bar-title = { $space } on { $hardware }: { $hours } h
cost-unknown-price = unknown price
cost-more = { $count ->
    [one] { $count } more Space (GET /api/v1/costs lists all)
   *[other] { $count } more Spaces (GET /api/v1/costs lists all)
}

## Actions from the page, sign-in, errors

act-unknown = Unknown action { $action }.
confirm-title = { $action } { $space }?
confirm-sentence-end = .
confirm-no-stop = It starts at once and cannot be stopped from here.
confirm-cancel = Cancel
login-intro = Signed in, you can restart, rebuild, pause, wake and mute Spaces from their pages.
login-huggingface = Sign in with Hugging Face
login-user-name = User name
login-password = Password
login-framed-before = Shown inside Hugging Face? Your browser keeps no sign-in there:
login-framed-link = open spacewarden in a new tab
login-framed-after = {" "}and sign in there.
login-wrong = Wrong user name or password.
login-throttled = Too many failed sign-ins. Try again in { $seconds } s.
login-busy = Too many sign-ins at once. Try again in a second.
error-title = Something went wrong
error-text = The status could not be read. The details are in spacewarden's log.
not-found-title = Not found
not-found-text = No such page, or spacewarden does not watch that Space.
refused-title = Refused
refused-text = This form does not belong to your session (it may be from an old tab). Reload the page and try again.

## i18n-chat
# Chat replies (Telegram, Discord) and the command core's answers to every entrance.
# Space ids, stage names, hardware flavors and outside text (a Hub error, a log line)
# are inserted as they are.

chat-internal = Something went wrong (ref { $reference }); the details are in spacewarden's log.
chat-which-space = Which Space?
chat-not-a-space-id = Not a Space id: { $reason }
chat-not-watched = I don't watch { $space }. See /spaces.
chat-check-now = 🔎 Checking every Space now; changes will be alerted.
chat-check-unavailable = Checks on demand are not available here.
chat-denied-admins-only = Only admins can do that.
chat-denied-not-here = Sorry, this chat is not allowed to use spacewarden.
chat-unknown-command = Unknown command. Try /help.
chat-page-prev = ◀ Prev
chat-page-next = Next ▶
chat-page = Page { $page }
chat-page-of = Page { $page } of { $pages }

# /status and /spaces
chat-status-none-checked = No Space checked yet. The first check runs on the schedule (or /check).
chat-status-count = { $count } { $verdict }
chat-status-title = { $total ->
    [one] { $total } Space: { $counts }
   *[other] { $total } Spaces: { $counts }
}
chat-status-token = ⚠ Token for { $owner }
chat-status-all-up = Everything is up.
chat-status-attention = { $count ->
    [one] { $count } Space needs attention
   *[other] { $count } Spaces need attention
}
chat-status-problems-page = Problems page { $page } of { $pages }
chat-status-more-up = { $count } more up (/spaces lists all)
chat-spaces-title = { $count ->
    [one] Watching { $watched } ({ $count } Space seen)
   *[other] Watching { $watched } ({ $count } Spaces seen)
}
chat-detail-unchecked = { $space }: not checked yet
chat-detail-verdict = Verdict
chat-detail-stage = Stage
chat-detail-stage-unknown = unknown
chat-detail-hardware = Hardware
chat-detail-last-check = Last check
chat-detail-uptime = Uptime 24 h / 7 d / 30 d
chat-detail-muted-until = Muted until
chat-detail-cause = Cause
chat-detail-incident = Open incident
chat-detail-incident-since = since { $at } ({ $ago }): { $cause }

# /history
chat-history-title = History of { $space } (times in { $offset })
chat-history-empty = No incidents and no actions recorded.
chat-history-lasted = lasted { $lasted }, { $resolution }
chat-history-open = open for { $lasted }
chat-history-incident = { $at } { $verdict }: { $cause } ({ $state })
chat-history-action = { $at } { $kind } by { $actor }: { $result }
chat-history-incidents = Incidents
chat-history-actions = Actions

# /logs, /metrics, /costs
chat-hub-token-cannot-read = the token cannot read them
chat-hub-rate-limited = the Hub is rate limiting us; try again in a minute
chat-hub-no-answer = the Hub did not answer
chat-hub-unavailable = No { $what } for { $space }: { $why }.
chat-logs-none = No { $kind } log lines for { $space }.
chat-logs-title = Last { $kind } log lines of { $space }
chat-metrics-title = Live metrics of { $space }
chat-metrics-memory = Memory
chat-metrics-network = Network in / out
chat-metrics-samples = Samples
chat-costs-title = 💵 Costs (USD)
chat-costs-24h = 24 h
chat-costs-7d = 7 d
chat-costs-30d = 30 d
chat-costs-projected = This month, projected
chat-costs-not-known = not yet known
chat-costs-partial = { $total } + unknown
chat-costs-unknown-price = unknown price
chat-costs-line = { $space } ({ $hardware }): { $hours } h, { $cost }
chat-costs-none = No billed time recorded yet.
chat-costs-dearest = Last 30 days, dearest first:

# Actions: restart, rebuild, pause, wake, sleep time, mute
chat-step-restart = restart
chat-step-rebuild = factory rebuild
chat-restarting = 🔄 Restarting { $space }…
chat-rebuilding = 🔨 Factory rebuild of { $space }…
chat-repair-recovered = ✅ { $space } is back after the { $step } ({ $took })
chat-repair-still-broken = ❌ { $space } is still broken after the { $step }
chat-repair-failed = ❌ The { $step } of { $space } failed
chat-repair-interrupted = The repair of { $space } was interrupted; it resumes when spacewarden restarts.
chat-in-flight = { $space } is already being repaired; wait for that to finish
chat-rebuild-ask = Factory rebuild of { $space }?
chat-rebuild-explain = It rebuilds the Space from scratch without the build cache. The button works for { $minutes } minutes.
chat-button-rebuild = Rebuild
chat-button-cancel = Cancel
chat-paused = ⏸ { $space } is paused ({ $stage })
chat-pause-failed = Could not pause { $space }: { $why }
chat-waking = ⏰ Waking { $space }; you will get an alert when it is up.
chat-sleep-never = never
chat-sleeps-after = 😴 { $space } now sleeps after: { $after }
chat-sleep-failed = Could not set the sleep time of { $space }: { $why }
chat-muted = 🔕 { $space } muted until { $until }
chat-unmuted = 🔔 { $space } unmuted
chat-mute-unchecked = { $space } has not been checked yet; try again after the first check.

# Buttons and confirmations
chat-button-invalid = This button is no longer valid.
chat-button-unwatched = That Space is no longer watched.
chat-confirm-not-yours = Only the admin who asked can confirm.
chat-confirm-already = Already done.
chat-confirm-expired = Expired
chat-confirm-rebuilding = Rebuilding
chat-confirm-cancelled = Cancelled
chat-rebuild-expired = The rebuild of { $space } expired; ask again with /rebuild.
chat-rebuild-cancelled = Rebuild of { $space } cancelled.

# Replicas: a follower hands the command to the leader
chat-relay-lost = The request was lost before a leader took it.
chat-relay-empty = The leader answered nothing.
chat-relay-interrupted = The leader stopped while carrying this out; another replica took over. See the Space's history before asking again.
chat-relay-no-leader = No replica is acting right now (no leader), so nothing was done. Try again in a few seconds.
chat-relay-still-running = The leader is still carrying this out; see the Space's history.

# /testalert, /lang, /help
chat-test-alert-all = 🧪 Test alert delivered everywhere:
chat-test-alert-some = 🧪 Test alert not delivered everywhere:
chat-test-alert-delivered = ✅ { $destination }: delivered
chat-lang-set = Replies in this chat are now in { $name }.
chat-lang-auto = Replies in this chat now follow each person's own language.
chat-lang-only-in-chat = /lang sets the language of a chat or channel; send it there.
chat-help-title = spacewarden commands

# Wrong arguments: the reason, then the usage line
chat-parse-unknown = Unknown command /{ $name }. Try /help.
chat-parse-usage = { $reason }. Usage: { $usage }
chat-parse-which-space = which Space?
chat-parse-missing = { $name } is missing
chat-parse-unexpected = unexpected argument { $name }
chat-parse-build-or-run = "{ $value }" is neither build nor run
chat-parse-duration = { $reason }
chat-parse-range = { $name } is between 1s and 30d
chat-parse-lang = "{ $value }" is not a language I speak (zh-CN, en or auto)
chat-parse-no-argument = this command takes no argument
chat-parse-too-many = too many arguments
chat-usage-space = owner/name
chat-usage-duration = duration, e.g. 1h
chat-usage-sleep-time = duration|never

# The command menu (Telegram) and slash commands (Discord): at most 100 characters
chat-cmd-status = All Spaces at a glance, or one in detail
chat-cmd-spaces = The watch list with verdicts
chat-cmd-history = Recent incidents and actions of a Space
chat-cmd-metrics = Live CPU, memory and network of a Space
chat-cmd-costs = What the Spaces cost: 24 h, 7 d, 30 d, this month
chat-cmd-help = The commands you may use
chat-cmd-logs = Last log lines of a Space (build or run)
chat-cmd-restart = Restart a Space
chat-cmd-rebuild = Factory rebuild a Space (asks first)
chat-cmd-pause = Pause a Space
chat-cmd-wake = Wake a Space
chat-cmd-mute = Silence a Space's alerts (default 1h)
chat-cmd-unmute = Unsilence a Space's alerts
chat-cmd-sleeptime = Set how long a Space idles before it sleeps
chat-cmd-check = Check every Space now
chat-cmd-testalert = Send a test alert to every destination
chat-cmd-lang = Reply here in zh-CN or en; auto: each person's own language
chat-arg-space = owner/name of a watched Space
chat-arg-kind = build or run
chat-arg-duration = how long (default 1h)
chat-arg-sleep-time = idle this long before sleeping, or never
chat-arg-lang = zh-CN, en, or auto (each person's own language)
