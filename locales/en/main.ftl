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

## scale-web

scale-owners = Owners
scale-owner-count = { $count } { $verdict }
scale-owner-title = Spaces of { $owner }
scale-attention-more = { $count ->
    [one] { $count } more needs attention.
   *[other] { $count } more need attention.
}
scale-show-them = Show them all
scale-pages = Pages
scale-previous = ‹ previous
scale-next = next ›
scale-page-of = page { $page } of { $pages }
scale-verdict-label = Filter Spaces by verdict
scale-verdict-all = every verdict
