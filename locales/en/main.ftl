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

## i18n-alerts

# Alerts, at every destination. The caller cleans and escapes outside text (Space
# names, the Hub's error messages, log lines) for its medium; these words are ours.
# English keeps the words alerts always had (tests and people's filters know them).

# A line's pieces: " (RUNTIME_ERROR)", a detail in parentheses, a cause.
alert-paren = {" "}({ $text })
alert-cause = { $code } ({ $summary })
# How the verdict reads inside a sentence ("alice/app is down").
alert-verdict = { $verdict ->
    [broken_config] broken (configuration)
    [unknown_stage] in an unknown stage
   *[other] { $verdict }
}
# A repair step's name; "repair" when none is known.
alert-step = { $step ->
    [restart] restart
    [rebuild] rebuild
   *[other] repair
}
# One unit of a duration ("1h 5m"); two units at most, joined by a space.
alert-span-part = { $n }{ $unit }
alert-span-join = {" "}

# One line per event.
alert-down = 🔴 { $space } is { $verdict }{ $stage }{ $deploy }
alert-still-down = 🔴 { $space } is still { $verdict }{ $stage }
alert-repairing = 🟠 { $space }: { $step ->
    [rebuild] factory rebuild (no build cache)
   *[other] restarting
}…
alert-repair-failed = 🟠 { $space }: { $step } did not bring it back{ $stage }
alert-gave-up = ⛔ { $space } needs a human: automatic repair gave up{ $stage }
alert-recovered = 🟢 { $space } recovered{ $after }{ $fixed }{ $now }
alert-recovered-after = {" "}after { $span }
alert-recovered-fixed = {" "}(fixed by { $step })
alert-recovered-now = , now { $verdict }
alert-woken = ⚪ { $space } was asleep and has been woken
alert-wake-failed = 🔴 { $space } was asleep and did not wake{ $stage }
alert-hardware-drift = 🟠 { $space } is not running the hardware it asked for
alert-memory-high = 🟠 { $space } is close to its memory limit
alert-saved = 💵 { $space }
alert-deploy = , broke after commit { $sha }
alert-deploy-ago = , broke after commit { $sha } ({ $ago })
alert-spaces-changed = { $count ->
    [one] spacewarden: { $count } Space changed
   *[other] spacewarden: { $count } Spaces changed
}

# What an event's detail says (the English is the detail stored with it).
alert-note-requested-by = requested by { $actor }
alert-note-repairs-capped = { $repairs } automatic repairs in the last { $window } did not keep it up
alert-note-tried = tried { $tried }; last: { $why }
alert-note-no-ladder = no automatic repair
alert-note-then = { $text }; { $more }
alert-note-drift = asked for { $requested }, runs on { $current } for { $span }
alert-note-memory = memory at { $percent } % of its limit ({ $used } of { $total } GiB) in { $samples } samples; over the limit it is stopped. Free memory or move to more RAM. Not restarted
alert-note-saved = paused for { $hours } h, saved ≈ { $saved }
alert-note-saved-no-price = paused for { $hours } h, { $hardware } has no known price
alert-note-saved-no-hardware = paused for { $hours } h, its hardware is not known yet

# Notices about spacewarden itself: a head, then what happened.
alert-notice-line = { $head }: { $detail }
alert-notice-checks-stalled = 🚨 spacewarden's own checks have stalled
alert-notice-checks-resumed = ✅ spacewarden's checks are running again
alert-notice-store-failing = 🚨 spacewarden cannot write to its database
alert-notice-store-recovered = ✅ spacewarden writes to its database again
alert-notice-test = 🧪 TEST ALERT from spacewarden
alert-notice-stalled-since = no completed check since { $since }
alert-notice-last-failure = { $text }; last failure: { $failure }
alert-notice-resumed = check cycles complete again
alert-notice-store-since = writes fail since { $since }: { $reason }
alert-notice-store-back = writes go through again
alert-notice-test-detail = sent on request to check this destination; nothing is wrong

# A platform incident: many Spaces failing alike.
alert-platform-cause = 🟣 Hugging Face seems to have a problem: { $count } { $count ->
    [one] Space
   *[other] Spaces
} of { $owners } { $owners ->
    [one] owner
   *[other] owners
} failing with { $code }
alert-platform-hub = 🟣 Hugging Face seems to have a problem: the Hub could not be asked about { $count } { $count ->
    [one] Space
   *[other] Spaces
} of { $owners } { $owners ->
    [one] owner
   *[other] owners
} (5xx or timeouts)
alert-platform-more = and { $count } more
alert-platform-on-hold = automatic repairs of these Spaces are on hold until it is over; admins can still /restart or /rebuild
alert-platform-ended = 🟢 Hugging Face's problem seems over: { $back } of { $count } { $count ->
    [one] Space
   *[other] Spaces
} back ({ $reason }{ $lasted })
alert-platform-lasted = , after { $span }
alert-platform-still-failing = still failing for another reason, now repaired on their own: { $spaces }

# Chat alerts: the buttons under an alert about one Space, the fields of a Discord embed.
alert-button-restart = Restart
alert-button-rebuild = Rebuild
alert-button-mute = Mute 1h
alert-button-logs = Logs
alert-field-stage = Stage
alert-field-verdict = Verdict
alert-field-step = Step

# Causes: the summary of each built-in pattern (`$arg` is what it captured), the
# default summary and the advice of each code. A summary from the settings file is
# the owner's own words and shown as written.
cause-row-registry_auth-1 = Hugging Face's image registry refused the build (401 Unauthorized)
cause-row-scheduling_failure-1 = Hugging Face could not schedule the Space ({ $arg })
cause-row-gpu_quota-1 = the ZeroGPU quota is used up
cause-row-disk_full-1 = the disk is full (no space left on device)
cause-row-disk_full-2 = the Space used more storage than its limit ({ $arg })
cause-row-out_of_memory-1 = the Space ran out of memory ({ $arg })
cause-row-out_of_memory-2 = the process was killed for using too much memory (exit code 137)
cause-row-out_of_memory-3 = the process was killed (out of memory)
cause-row-port_not_listening-1 = the app never became healthy: nothing answered on its port in time
cause-row-gated_or_missing_model-1 = the Hub refused the gated model { $arg }
cause-row-gated_or_missing_model-2 = the Hub refused a gated model
cause-row-gated_or_missing_model-3 = the Hub refused a model download ({ $arg })
cause-row-gated_or_missing_model-4 = a model the app downloads does not exist or is private
cause-row-gated_or_missing_model-5 = a model the app loads does not exist on the Hub
cause-row-syntax_error-1 = the code does not parse ({ $arg })
cause-row-missing_module-1 = the module { $arg } is not installed
cause-row-missing_module-2 = a Python import failed
cause-row-dependency_install_failed-1 = pip could not resolve the requirements (conflicting versions)
cause-row-dependency_install_failed-2 = pip found no version of { $arg }
cause-row-dependency_install_failed-3 = pip found no distribution of { $arg }
cause-row-dependency_install_failed-4 = a requirement does not support the Space's Python version
cause-row-dependency_install_failed-5 = npm could not install the dependencies ({ $arg })
cause-row-dependency_install_failed-6 = installing the dependencies failed ({ $arg })
cause-row-exit_code-1 = the app exited with code { $arg }
cause-summary-missing_module = a Python module the app imports is not installed
cause-summary-dependency_install_failed = installing the dependencies failed
cause-summary-syntax_error = the code does not parse
cause-summary-out_of_memory = the Space ran out of memory
cause-summary-port_not_listening = the app never answered on its port
cause-summary-gated_or_missing_model = the Hub refused a model download (gated, private or missing)
cause-summary-registry_auth = Hugging Face's image registry refused the build
cause-summary-scheduling_failure = Hugging Face could not schedule the Space
cause-summary-gpu_quota = the ZeroGPU quota is used up
cause-summary-disk_full = the disk is full
cause-summary-exit_code = the app exited with an error
cause-summary-unknown = no known failure pattern matched
cause-summary-hub_unavailable = the Hub could not be asked
cause-advice-missing_module = add the package to requirements.txt (or fix the import) and push: a restart runs the same image
cause-advice-dependency_install_failed = pin versions that install together (requirements.txt, package.json, packages.txt) and push
cause-advice-syntax_error = needs a code fix: correct the line in the traceback and push
cause-advice-out_of_memory = use less memory (a smaller model, lazy loading) or move the Space to bigger hardware
cause-advice-port_not_listening = listen on 0.0.0.0 and the port in app_port (7860 by default), and start within the startup timeout
cause-advice-gated_or_missing_model = accept the model's terms and give the Space an HF_TOKEN secret that can read it, or fix the model id
cause-advice-registry_auth = Hugging Face's side: nothing to fix in the Space; spacewarden retries later within its caps
cause-advice-scheduling_failure = Hugging Face's side: nothing to fix in the Space; spacewarden retries later within its caps
cause-advice-gpu_quota = wait for the ZeroGPU quota to refill, or move the Space to dedicated hardware
cause-advice-disk_full = free space: keep caches in /data, download less at startup, or add storage
cause-advice-exit_code = the app crashed: read the last lines of its run log (/logs)
cause-advice-unknown = read the Space's logs (/logs)

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

## i18n-reasons

# Why a probe or a repair failed. English as stored (checks, actions, alerts, the
# API): each line must write exactly the words src/domain/reason.rs stores.
reason-no-answer-within = no answer within { $secs }s
reason-connection-failed = connection failed
reason-request-failed = request failed
reason-body-late = body not received in time
reason-body-read-failed = body read failed
reason-status = app answered HTTP { $status }
reason-keyword-missing = keyword "{ $keyword }" not in the reply
reason-no-answer = no answer
reason-app-silent = the app does not answer
reason-no-runtime = no runtime read yet
reason-still = still { $stage }
reason-now = now { $stage }
reason-now-said = now { $stage }: { $error }
reason-serving-but = { $stage } but { $probe }
reason-not-back = not back within { $within }: { $last }
reason-hub-unknown = the Hub does not know this Space
reason-hub-token-refused = the Hub refused the token
reason-hub-not-allowed = the token may not do this on the Hub
reason-hub-rejected = the Hub rejected the request
reason-hub-rate-limited = the Hub is rate limiting us; retry in { $secs }s
reason-hub-unavailable = the Hub is unavailable right now
reason-hub-unreadable = the Hub sent a reply we could not read
reason-with-ref = { $summary } (ref { $reference })
reason-hub-said-not-found = not found on the Hub: { $said }
reason-hub-said-token = the Hub refused the token: { $said }
reason-hub-said-forbidden = the Hub refused the request: { $said }
reason-hub-said-rejected = the Hub rejected the request: { $said }
reason-hub-said-unavailable = the Hub is unavailable: { $said }
reason-hub-said-unreadable = unexpected reply from the Hub: { $said }
reason-hub-paced = rate limited by the Hub; retry in { $secs }s
# Alerts: when the commit a Space broke after was made, in TZ with its offset.
reason-deploy-at = , broke after commit { $sha } ({ $ago }, { $at })
# An action's result as stored (`still_broken`, `done`).
action-result-still-broken = still broken
action-result-done = done

## i18n-errors

# Startup and configuration errors: printed as `error: KEY: …`; KEY (the variable)
# stays as it is in every language. { $value } is the user's value, as given.
config-not-a-url = "{ $value }" is not a URL ({ $why })
config-not-http = "{ $value }" must be http or https
config-template-no-placeholder = "{ $value }" has no {"{"}subdomain{"}"} placeholder
config-hf-timeout = "{ $value }" is not a duration from 1s to 5m (e.g. 15s)
config-run-timeout = "{ $value }" is not a number of seconds from 1 to 86400
config-file-unreadable = cannot read { $path }: { $why }
config-file-invalid = { $path }: { $why }
config-not-a-port = "{ $value }" is not a port number (0-65535)
config-not-an-id = "{ $value }" is not a numeric id
config-cron-field-count = "{ $value }" has { $count } fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)
config-cron-both-days = "{ $value }" restricts both day-of-month and day-of-week; set one of them to *
config-cron-weekday = "{ $value }": { $problem }
config-cron-invalid = "{ $value }" is not a valid cron expression ({ $why })
config-cron-never = "{ $value }" never fires
config-cron-bad-step = bad step in day-of-week "{ $value }"
config-cron-wraps = day-of-week range "{ $value }" wraps around; write it as two ranges
config-cron-day-out-of-range = day-of-week { $day } is out of range 0-7
config-cron-not-a-day = "{ $value }" is not a day of the week
config-outside = { $text }
config-not-an-address = "{ $value }" is not an IP address or a CIDR block
config-bad-prefix = "{ $value }" has a bad prefix length
config-not-in-range = "{ $value }" is not a number from 1 to { $max }
config-user-without-password = { $from } is set but no password: set WEB_PASSWORD_HASH (spacewarden hash-password makes one) or WEB_PASSWORD
config-password-without-user = a page password is set ({ $from }) but WEB_USERNAME is not
config-hash-and-password = set either WEB_PASSWORD_HASH or WEB_PASSWORD, not both
config-not-a-phc = not an argon2 PHC string ({ $why }); make one with `spacewarden hash-password`
config-phc-algorithm = the algorithm is { $algorithm }
config-phc-no-hash = it has no hash part
config-phc-memory = its memory cost, m={ $kib } KiB, is over { $mib } MiB per sign-in; make one with `spacewarden hash-password` (19 MiB)
config-email-without-smtp = is set but SMTP_URL is not
config-needed-with = is needed with { $other }
config-email-no-address = names no address
config-url-unparsed = is not a URL ({ $why })
config-url-no-host = has no host
config-url-not-http = must be an http or https URL
config-url-no-key = has no key or topic at the end of its path
config-smtp-scheme = must start with smtp:// or smtps://
config-smtps-tls-none = smtps:// cannot have tls=none
config-smtp-option = has an unknown option { $option }
config-smtp-tls-none-remote = tls=none is allowed for a loopback host only, not { $host }
config-smtp-not-utf8 = has a user or password that is not UTF-8
config-smtp-password-no-user = has a password but no user
config-not-an-address-mail = { $value } is not an e-mail address
config-sendkey-characters = has characters a SendKey never has
config-sendkey-sctp = starts with sctp but has no sctp<uid>t form
config-admins-star = "*" would make every Hugging Face user an admin; name users or @orgs
config-not-a-hub-name = "{ $value }" is not a Hugging Face name
config-oauth-no-secret = OAUTH_CLIENT_ID is set but OAUTH_CLIENT_SECRET is not (a Space with hf_oauth: true gets both)
config-not-a-bool = "{ $value }" is not true or false
config-not-an-http-url = "{ $value }" is not an http(s) URL
config-bad-entry = { $why }
config-no-owner = "{ $value }" has no owner and USERNAME is not set
config-hf-user-no-colon = entry { $entry } has no ':' (expected owner:token)
config-not-an-owner = "{ $value }" is not a valid owner name
config-not-a-language = "{ $value }" is not a language tag (e.g. { $known })
config-not-a-zone = "{ $value }" is not a time zone (an IANA name such as Asia/Shanghai, or UTC)
config-db-scheme = the scheme "{ $scheme }:" is not supported
config-db-no-scheme = has no scheme
config-db-url = { $why }; use sqlite://path/to/file.db or postgres://user:password@host/db
# Startup problems other than a variable's value (`error: KEY: …`).
build-nothing-to-watch = nothing to watch; set SPACES (owner/name or owner/*)
build-nothing-to-watch-or-flag = nothing to watch; set SPACES (owner/name or owner/*) or pass { $flag }
build-lock-held = { $url } is in use by another spacewarden ({ $holder }; lock file { $path })
build-lock-io = cannot lock { $path }: { $why }
build-locked-daemon = { $why }; two daemons on one database would both repair and alert: stop the other one, or give this one a DATABASE_URL of its own
build-locked-one-shot = { $why }: it repairs what is broken; { $advice }
build-advice-check-repair = run `check` without --repair, or ask it: POST /api/v1/spaces/<owner>/<name>/restart
build-advice-space-action = ask it instead: POST /api/v1/spaces/<owner>/<name>/restart (or /rebuild), or /restart in chat
build-leader-acting = replica { $holder } leads on this database (heartbeat { $seconds } s ago) and repairs what is broken; { $advice }
build-store-open = cannot open the database { $url }: { $why }
build-store-migrate = cannot migrate the database: { $why }
build-store-query = database error: { $why }
build-store-not-leader = this replica is not the leader (epoch { $held }, the database says { $current })
build-hub = { $why }
build-http-client = cannot build the HTTP client: { $why }
build-destination = { $why }
build-signal = cannot listen for SIGHUP: { $why }
build-listen = cannot listen on port { $port }: { $why }
build-note-beside-daemon = a running spacewarden holds this database ({ $holder }); this check is not stored, so the daemon sees every change first
build-advice-test-alert = ask it instead: /testalert in chat
build-dotenv-line = cannot parse the line at byte { $byte }
build-dotenv-read = { $why }
# Warnings (startup log, doctor): accepted, but probably not what was meant.
config-alias-read = read { $alias } as { $native }
config-alias-ignored = { $alias } is ignored: { $native } is set and wins over it
config-warn-lone-hf-username = HF_USERNAME is set without HF_PASSWORD, so it turns on no sign-in: HF_USERNAME with HF_PASSWORD is the Cloudflare manager's panel sign-in; the owners to watch go in HF_USERNAMES (with an S)
config-warn-default-user = USER_PASSWORD is set without USER_NAME: the page's user is admin, the Node dashboard's default; set USER_NAME or WEB_USERNAME to choose another
config-warn-short-key = { $key } is shorter than { $min } characters, easy to guess for anyone who reaches the API; use a long random string (openssl rand -hex 32)
config-warn-block-unwatched = [spaces."{ $space }"] in SPACEWARDEN_CONFIG: { $space } is not on the watch list (SPACES), so these settings do nothing
config-warn-unknown-flavor = [prices] in SPACEWARDEN_CONFIG: "{ $flavor }" is not a hardware flavor Hugging Face publishes; check the spelling (a flavor newer than this release is fine)
config-warn-typo = { $name } is not a variable spacewarden reads; did you mean { $meant }? (it is ignored as it is)
# doctor's findings, one line each (the sections are cli-doctor-section-*).
doctor-config-refused = { $key }: { $why }: `spacewarden run` would refuse to start (exit 2)
doctor-no-alias = no alias used, no warning
doctor-settings-unset = SPACEWARDEN_CONFIG unset: the defaults for every Space
doctor-settings-read = SPACEWARDEN_CONFIG: { $path } read, { $count } [spaces."…"] { $count ->
    [one] block
   *[other] blocks
}
doctor-nothing-to-watch = nothing to watch: set SPACES (owner/name or owner/*), or HF_USER, HF_USERNAMES, SPACE_LIST with USERNAME, or REPO_ID; `spacewarden run` would refuse to start (exit 2)
doctor-watch-owner = { $target }  (every Space of the owner, from { $from })
doctor-watch-space = { $target }  (one Space, from { $from })
doctor-sign-in-on = on: user "{ $user }" from { $user_from }, password from { $password_from }
doctor-sign-in-off = off: the page is read-only (set WEB_USERNAME and WEB_PASSWORD_HASH)
doctor-api-off = API: off (set API_KEY)
doctor-api-on = API: on ({ $keys })
doctor-no-owner = no owner to check
doctor-hub-client = cannot build the Hub client: { $why }
doctor-token-line = { $owner }: { $verdict }
doctor-token-seen = { $owner }: token from { $from }{ $seen }: { $verdict }
doctor-token-whoami = ; whoami: { $name } ({ $kind }), role { $role }
doctor-token-unasked = {""}
doctor-kind-user = user
doctor-kind-org = org
doctor-role-unknown = unknown
doctor-oauth-off = off (OAUTH_CLIENT_ID unset)
doctor-oauth-on = on: client from OAUTH_CLIENT_ID, secret from OAUTH_CLIENT_SECRET, scopes "{ $scopes }", provider { $provider }
doctor-oauth-no-roles = WEB_ADMINS and WEB_VIEWERS are empty: a Hugging Face user who signs in gets no role
doctor-oauth-private = WEB_PRIVATE: the page needs a session, /metrics the API key
doctor-oauth-provider-ok = the provider's discovery document was read and names its issuer
doctor-oauth-provider-failed = OPENID_PROVIDER_URL: { $why }
doctor-http-client = cannot build the HTTP client
doctor-bot-off = { $bot }: off ({ $variable } unset)
doctor-smtp-host = SMTP_URL: its host cannot be written as a URL
doctor-reachable = { $name }: { $at } reachable (connect only, nothing sent)
doctor-unreachable = { $name }: { $why }
doctor-bot-timed-out = cannot reach { $at } (timed out)
doctor-bot-connection-failed = cannot reach { $at } (connection failed)
doctor-bot-is = { $what }: the bot is { $name }
doctor-bot-no-name = { $what }: the bot is (no name)
doctor-bot-refused = { $what }: { $variable } is refused ({ $status })
doctor-bot-answered = { $what }: answered { $status }
doctor-no-host-port = { $at }: no host or port
doctor-cannot-connect = cannot connect to { $at }: { $why }
doctor-tls-failed = { $at }: the TLS handshake failed ({ $why })
doctor-connect-timed-out = cannot connect to { $at }: timed out
doctor-store-memory = in memory: private to each process, gone when it ends
doctor-store-not-sqlite = DATABASE_URL: not a SQLite URL sqlx can read
doctor-store-not-yet = { $path }: not there yet; the first run creates it (its folder is writable)
doctor-store-cannot-create = { $path }: cannot be created: { $why }
doctor-store-writable = { $path }: writable, { $size }
doctor-store-not-writable = { $path }: not writable ({ $why })
doctor-store-in-use = in use by a running spacewarden ({ $holder })
doctor-store-free = no spacewarden holds it now
doctor-store-postgres = Postgres at { $at }: replicas share it; leadership, not a lock file
doctor-schema-timeout = the database did not answer within { $seconds } s
doctor-schema-unreadable = cannot read the database (open or query failed)
doctor-schema-none = no schema yet; the first run creates version { $latest }
doctor-schema-current = schema version { $version }, this release's
doctor-schema-older = schema version { $version }; the first run of this release migrates it to { $latest }
doctor-schema-newer = schema version { $version } is newer than this release's ({ $latest }): run the newer release
doctor-size-mib = { $value } MiB
doctor-size-kib = { $value } KiB
doctor-size-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}
build-log-filter = "{ $value }" is not a log filter ({ $why })
build-log-install = cannot start logging: { $why }
config-cron-near = near "{ $field }"

## i18n-help

# `--help` (src/cli/help.rs). English must say what the doc comments say, byte for
# byte (a test compares the two); no final full stop on a one-line text (clap drops it).
cli-help-about = spacewarden keeps Hugging Face Spaces alive: it checks every watched Space through the Hub API and by probing its app, and records every result in SQLite
cli-help-cmd-run = Run the daemon (the default): check on CHECK_SCHEDULE, repair what is broken (restart, then factory rebuild, then give up and alert), wake sleeping Spaces, deliver alerts (stdout, ALERT_WEBHOOK_URL), and serve the status page, the JSON API (with API_KEY) and /metrics on PORT [default: 7860]. Stops cleanly on SIGTERM/Ctrl-C; re-reads SPACEWARDEN_CONFIG and .env on SIGHUP. One daemon per SQLite file: a second on the same DATABASE_URL exits 2, naming the first
cli-help-cmd-check = Check every watched Space once, print the result, store it (not beside a running daemon on the same SQLite file, which must see changes first), and exit with a status for cron or CI: 0 all fine; 1 a Space is down, degraded or has a broken configuration; 2 a configuration or authentication problem; 3 some Space could not be checked (the Hub was unreachable). No chat token is needed, and public Spaces need no HF token. With --repair, also repair and wake as the daemon does, wait for the outcomes (at most --timeout), deliver the alerts, and print and exit on the final state: the keep-alive job for cron or GitHub Actions
cli-help-cmd-report = Write a static site from the store, for GitHub Pages or any file host: index.html (the status page: verdicts, uptime, incidents, actions; read-only, no outside assets), data.json (the same facts as JSON) and, with --space-pages, a page per Space. Exits 0 when written, 1 when the store cannot be read or the files cannot be written, 2 for a configuration problem
cli-help-cmd-restart = Restart one Space now, as a person asking (recorded and audited with the actor `cli`; no automatic cap holds it back), wait for the outcome (at most --timeout), deliver the alerts, print the outcome, and exit 0 when the Space is back, 1 when it is not. Refused with exit 2 while a daemon holds the database: ask the daemon
cli-help-cmd-rebuild = Factory-rebuild one Space now (no build cache), as `restart` does a restart
cli-help-cmd-healthcheck = Ask the running daemon's /healthz on 127.0.0.1:PORT and exit 0 when it answers 200, 1 otherwise (the container's HEALTHCHECK: the image has no curl)
cli-help-cmd-doctor = Print what was understood from the environment, .env and SPACEWARDEN_CONFIG (watch list and where each entry came from, aliases read, warnings), then check it without acting on any Space: each owner's token (whoami), the chat bots, that each alert destination can be reached (a connect only), and the store. Exits 0 when nothing would fail, 1 otherwise (a configuration run would refuse included)
cli-help-cmd-hash-password = Read a password from stdin and print its argon2 hash (a PHC string) for WEB_PASSWORD_HASH, which turns on sign-in on the page with WEB_USERNAME
cli-help-cmd-test-alert = Send one clearly marked test alert through the outbox to DESTINATION (or every configured one) and print, per destination, delivered or failed and why. Exit 0 when all delivered, 1 otherwise, 2 for a configuration problem
cli-help-arg-check-json = Print one JSON array (an object per Space) instead of a table
cli-help-arg-check-space = Check this Space (owner/name, or owner/* for all of an owner's Spaces) instead of the configured watch list. Repeat for several
cli-help-arg-check-repair = Then repair what is broken as the daemon does (restart, factory rebuild, give up and alert; the same caps; recorded as done by `cli`), wake sleeping Spaces with keep-alive on, wait for the outcomes, deliver the alerts raised (ALERT lines on stderr, ALERT_WEBHOOK_URL, Telegram, Discord: sending only, no bot is started), and print and exit on the final state. Progress goes to stderr
cli-help-arg-check-timeout = How long `--repair` may take in all, alert delivery included (e.g. 30m, 1h30m, 900). Repairs still running then are resumed by the next run; undelivered alerts stay queued for it. [default: GLOBAL_TIMEOUT_SECONDS, else 30m]
cli-help-arg-report-out = Write the site into this directory (created when missing; files of an earlier report are replaced, others left alone)
cli-help-arg-report-space-pages = Also write a page per watched Space (space/OWNER/NAME.html, lowercase), linked from the index
cli-help-arg-report-lang = Write the site in this language (`en`, `zh-CN`; `zh`, `zh-Hans` and other Chinese tags are `zh-CN`, a tag without a file `en`). [default: SPACEWARDEN_LANG, else the POSIX locale]
cli-help-arg-action-space = The Space (owner/name). It need not be in SPACES: the command line names it, as `check --space` does
cli-help-arg-action-timeout = How long to wait for the outcome, alert delivery included (e.g. 30m, 1h30m, 900). A repair still running then is left to the next run or the daemon, which resume it by polling. [default: GLOBAL_TIMEOUT_SECONDS, else 30m]
cli-help-arg-test-alert-destination = One destination (`slack`, `email`, `telegram:<chat id>`, …); every configured one but the log when left out
cli-help-environment =
    Configuration comes from the environment (a .env file in the working directory is read
    when present):
      HF_TOKEN              Hub token for every owner without its own (alias: HF_API_TOKEN)
      HF_USER               owner:token,owner2:token2 (empty token: use HF_TOKEN)
      SPACES                comma list of owner/name or owner/*
      SPACE_LIST, USERNAME  migration: bare names in SPACE_LIST get USERNAME as owner
      HF_USERNAMES          migration, when SPACES is unset: owners, each watched as owner/*
      REPO_ID               migration (keep-alive workflow): one owner/name added to the watch list
      HF_ENDPOINT           the Hub [default: https://huggingface.co]
      HF_SPACES_API_URL     live-metrics host [default: https://api.hf.space]
      HF_APP_URL_TEMPLATE   where an app answers [default: https://{"{"}subdomain{"}"}.hf.space]
      HF_TIMEOUT            timeout of each Hub request [default: 15s]
      CHECK_SCHEDULE        cron, 5 fields (minute first) or 6 (seconds first) [default: */5 * * * *]
      DATABASE_URL          the store [default: sqlite://spacewarden.db]
      SPACEWARDEN_CONFIG    TOML file with per-Space probe settings
      GLOBAL_TIMEOUT_SECONDS  the default --timeout of check --repair, restart and rebuild
    {"                        ["}default: 1800]
      RUST_LOG              log filter [default: info]
    Chat, alert and HTTP settings (TELEGRAM_*, DISCORD_*, ALERT_WEBHOOK_URL, the alert channels
    DINGTALK_*, FEISHU_*, WECOM_*, SERVERCHAN_*, PUSHPLUS_*, BARK_*, NTFY_*, GOTIFY_*, API_KEY,
    PORT, WEB_USERNAME, WEB_PASSWORD_HASH, TRUSTED_PROXIES, WEB_LIVE_STREAMS) are listed in the
    README; `spacewarden doctor` prints what was understood of them.
# clap's own words outside English (in English clap writes these itself).
cli-help-usage = Usage:
cli-help-heading-commands = Commands
cli-help-heading-arguments = Arguments
cli-help-heading-options = Options
cli-help-value-command = COMMAND
cli-help-value-options = OPTIONS
cli-help-value-duration = DURATION
cli-help-value-dir = DIR
cli-help-value-tag = TAG
cli-help-value-destination = DESTINATION
cli-help-flag-help = Print help
cli-help-flag-version = Print version
cli-help-cmd-help = Print this message or the help of the given subcommand(s)
cli-help-arg-help-command = Print help for the subcommand(s)
# clap's errors for a bad command line (outside English; clap writes English itself).
cli-usage-error = error:
cli-usage-unknown-argument = unexpected argument '{ $arg }' found
cli-usage-unknown-subcommand = unrecognized subcommand '{ $command }'
cli-usage-value-required = a value is required for '{ $arg }' but none was supplied
cli-usage-invalid-value = invalid value '{ $value }' for '{ $arg }'
cli-usage-possible-values = {"["}possible values: { $values }]
cli-usage-missing = the following required arguments were not provided:
cli-usage-conflict = the argument '{ $arg }' cannot be used with { $other }
cli-usage-repeated = the argument '{ $arg }' cannot be used multiple times
cli-usage-unexpected-value = unexpected value '{ $value }' for '{ $arg }' found; no more were expected
cli-usage-other = the command line is not valid
cli-usage-similar = tip: a similar one exists: { $names }
cli-usage-more = For more information, try '{ $flag }'.
cli-usage-invalid-value-because = invalid value '{ $value }' for '{ $arg }': { $reason }
cli-bad-timeout = "{ $value }" is not a duration from 1s to 24h (e.g. 30m)
cli-bad-lang-tag = "{ $value }" is not a language tag (e.g. en, zh-CN)

## i18n-spaceid
# Why a typed Space id is not one (chat, the command line, startup errors). English
# equals the JSON API's `message`, byte for byte.
space-id-not-owner-name = "{ $input }" is not of the form owner/name
space-id-dot-git = "{ $input }": a Space name cannot end with .git
space-id-part-empty = "{ $input }": the { $part } is empty
space-id-part-too-long = "{ $input }": the { $part } is longer than 96 characters
space-id-part-bad-character = "{ $input }": the { $part } contains '{ $bad }' (allowed: letters, digits, _ - .)
space-id-part-edges = "{ $input }": the { $part } must start and end with a letter, digit or _
space-id-part-doubled = "{ $input }": the { $part } cannot contain -- or ..
space-id-bad-owner = "{ $input }": invalid owner "{ $owner }"
space-id-owner = owner
space-id-name = name

## scale-warm
# While the daemon first reads its stored history (issue 25): the page that reloads
# itself (503), and the sentence the JSON API and /metrics answer with meanwhile.
starting-title = Starting
starting-text = { $spaces ->
    [one] spacewarden is starting: reading the history of { $spaces } Space. This page reloads by itself.
   *[other] spacewarden is starting: reading the history of { $spaces } Spaces. This page reloads by itself.
}
starting-text-unknown = spacewarden is starting: reading the stored history. This page reloads by itself.
starting-api = spacewarden is starting: it is reading its stored history; retry in a few seconds

## metrics-plain
# /metrics without gzip while as many are being sent as the bound allows.
metrics-busy = too many /metrics answers without gzip are being sent; retry in a second, or ask with Accept-Encoding: gzip
