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

## i18n-cli

# The command line: `check`'s table (column heads, a probe without an answer, the
# summary line and when the check ran).
cli-col-space = SPACE
cli-col-stage = STAGE
cli-col-verdict = VERDICT
cli-col-hardware = HARDWARE
cli-col-probe = PROBE
cli-col-error = ERROR
cli-probe-no-reply = no reply
cli-summary = { $total ->
    [one] { $total } Space: { $counts }
   *[other] { $total } Spaces: { $counts }
}
cli-summary-count = { $count } { $verdict }
cli-checked-at = {" "}· checked { $at }
# Errors and progress of `check --repair`, `restart`, `rebuild`.
cli-error = error: { $error }
cli-error-store = error: the store: { $error }
cli-timeout-too-long = error: --timeout: too long
cli-repair-timed-out = timed out after { $after }: repairs still running were stopped; the next run resumes them
cli-action-timed-out = timed out after { $after }: the { $action } of { $space } did not finish; the next run resumes it
cli-alerts-left = { $count ->
    [one] { $count } alert not delivered within the timeout; it goes out on the next run
   *[other] { $count } alerts not delivered within the timeout; they go out on the next run
}
cli-resuming = { $count ->
    [one] resuming { $count } unfinished repair from the last run by polling
   *[other] resuming { $count } unfinished repairs from the last run by polling
}
cli-checked = checked: { $summary }
cli-phase-checking = checking
cli-phase-repairing = repairing
cli-phase-delivering-alerts = delivering alerts
cli-elapsed = { $done } of { $total }
cli-repairs-running = { $count ->
    [one] { $count } repair in progress ({ $elapsed })
   *[other] { $count } repairs in progress ({ $elapsed })
}
cli-repair-ended = { $space }: repair ended ({ $elapsed })
# `doctor`: its title, section heads and last line.
cli-doctor-title = spacewarden doctor: what was understood, checked without acting on any Space
cli-doctor-section-configuration = Configuration
cli-doctor-section-watch-list = Watch list
cli-doctor-section-sign-in = Sign-in on the page
cli-doctor-section-oauth = Sign in with Hugging Face
cli-doctor-section-tokens = Tokens
cli-doctor-section-destinations = Chat and alert destinations
cli-doctor-section-store = Store
cli-doctor-warnings = { $count ->
    [one] { $count } warning
   *[other] { $count } warnings
}
cli-doctor-summary = { $problems ->
    [0] Nothing would fail ({ $warnings }).
    [one] { $problems } problem would make spacewarden fail ({ $warnings }).
   *[other] { $problems } problems would make spacewarden fail ({ $warnings }).
}
# `test-alert`, `hash-password`, `report`.
cli-test-alert-delivered = delivered  { $destination }
cli-test-alert-failed = failed     { $destination }: { $why }
cli-hash-password-prompt = Type the password, then Enter and Ctrl-D (it is shown as you type; pipe it in to avoid that):
cli-hash-password-unreadable = error: cannot read the password from stdin: { $error }
cli-hash-password-empty = error: the password is empty
cli-report-wrote = { $count ->
    [one] wrote { $count } file to { $dir }
   *[other] wrote { $count } files to { $dir }
}
report-summary = { $days ->
    [one] { $checks ->
        [one] { $checks } check over the last day
       *[other] { $checks } checks over the last day
    }
   *[other] { $checks ->
        [one] { $checks } check over the last { $days } days
       *[other] { $checks } checks over the last { $days } days
    }
}
report-summary-rate = { $days ->
    [one] { $checks ->
        [one] { $checks } check over the last day, { $rate }% successful
       *[other] { $checks } checks over the last day, { $rate }% successful
    }
   *[other] { $checks ->
        [one] { $checks } check over the last { $days } days, { $rate }% successful
       *[other] { $checks } checks over the last { $days } days, { $rate }% successful
    }
}
# Sign in with Hugging Face: the pages after the provider's answer.
oauth-signed-in-title = Signed in
oauth-signed-in-as = Signed in with Hugging Face as
oauth-continue = Continue
oauth-not-listed-title = Not on the list
oauth-not-listed-text = , but this spacewarden lists you neither as an admin nor as a viewer (WEB_ADMINS, WEB_VIEWERS). You see the page as any visitor does.
oauth-go-to-page = Go to the page
oauth-not-signed-in-title = Not signed in
oauth-back-to-sign-in = Back to sign-in
oauth-provider-failed = Hugging Face could not be reached. Try again later.
oauth-rejected = This sign-in did not check out. Start again from the sign-in page.
# The token self-test (the page's notice, doctor): one owner's token, why.
token-verdict-missing = no token, a read-only fallback: its public Spaces are checked anonymously, none can be restarted (set HF_USER={ $owner }:<token> or HF_TOKEN)
token-verdict-refused = the Hub refuses its token (401): create a new one
token-verdict-unanswered = whoami could not be asked now: { $why }
token-verdict-read-only = { $user }'s token is read-only, so its Spaces are checked but cannot be restarted, rebuilt or paused; use a token with the write role
token-verdict-not-theirs = { $user } is neither { $owner } nor in that organization, so the Hub refuses restarts of someone else's Spaces; set HF_USER={ $owner }:<their token>
token-verdict-own = can restart { $owner }'s Spaces (its own)
token-verdict-member = can restart { $owner }'s Spaces (a member of the organization { $owner })
# How an incident ended (stored in English as `back to up`, `fixed by restart`).
resolution-back-to = back to { $verdict }
resolution-fixed-by = fixed by { $step }
