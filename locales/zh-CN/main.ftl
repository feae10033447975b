# spacewarden 的简体中文消息。
#
# 术语表（与旧工具一致，翻译时请保持）:
#   restart      重启
#   rebuild      重建（factory rebuild: 恢复出厂重建）
#   instance     实例
#   pause        暂停
#   wake         唤醒
#   resume       恢复
#   sleep        休眠
#   mute         静音
#   cost         成本
#   uptime       在线率
#   incident     故障
#   verdict      判定
#   stage        阶段（阶段名 RUNNING 等保持英文原样）
#   check        检查
#   probe        探测
#   hardware     硬件
#   keep-alive   保活
#   sign in      登录
#   Space        Space（不译，Hugging Face 的产品名）
#   owner        所有者（Space 所属的用户或组织）

# 每个消息 id 都必须在 locales/en/main.ftl 中存在，反之亦然（测试会检查）。
# 参数原样插入；数字按复数规则选择（中文只有 *[other]）。

## 语言与日期

lang-name = 中文
date-day = %-m月%-d日
date-clock = %-m月%-d日 %H:%M:%S
list-colon = ：
list-separator = 、

## 相对时间与时长

ago-just-now = 刚刚
ago-in-a-moment = 马上
ago-past = { $unit ->
    [min] { $n } 分钟前
    [h] { $n } 小时前
   *[d] { $n } 天前
}
ago-future = { $unit ->
    [min] { $n } 分钟后
    [h] { $n } 小时后
   *[d] { $n } 天后
}
span-s = { $s } 秒
span-min = { $min } 分钟
span-h = { $h } 小时
span-d = { $d } 天
span-h-min = { $h } 小时 { $min } 分钟
span-d-h = { $d } 天 { $h } 小时

## 判定

verdict-up = 正常
verdict-degraded = 降级
verdict-starting = 启动中
verdict-down = 故障
verdict-broken-config = 配置错误
verdict-sleeping = 休眠
verdict-paused = 已暂停
verdict-unknown-stage = 未知阶段
verdict-unreachable = 无法访问
verdict-pending = 尚未检查

## 操作记录

action-kind-restart = 重启
action-kind-rebuild = 重建
action-kind-wake = 唤醒
action-kind-pause = 暂停
action-kind-sleeptime = 休眠时间
action-actor-spacewarden = spacewarden
action-actor-schedule = 定时计划
action-actor-api = 接口
action-actor-cli = 命令行
action-via-web = 网页
action-via-telegram = Telegram
action-via-discord = Discord
action-person = { $via }:{ $user }
action-trigger-auto = 自动
action-trigger-manual = 手动
action-trigger-schedule = 定时
action-result-recovered = 已恢复
action-result-failed = 失败
action-result-woken = 已唤醒
action-result-back-up = 已恢复正常
action-in-progress = 进行中

## 按钮与操作说明

button-restart = 重启
button-rebuild = 重建
button-pause = 暂停
button-wake = 唤醒
button-mute = 静音
button-unmute = 取消静音
command-restart-description = 重启该 Space
command-rebuild-description = 恢复出厂并重建该 Space
command-pause-description = 暂停该 Space（停止计费）
command-wake-description = 唤醒休眠中的 Space
command-mute-description = 暂时静音该 Space 的告警
command-unmute-description = 恢复该 Space 的告警
mute-for = 静音时长

## 页面框架

header-role-admin = 管理员
header-role-viewer = 只读
header-signed-in-as = 已登录：
header-sign-in = 登录
header-sign-out = 退出登录
header-language = 语言
theme-system = 主题：跟随系统
theme-light = 主题：浅色
theme-dark = 主题：深色
theme-click = { $theme }（点击切换）
footer-static = 静态报告
footer-signed-in = 已登录
footer-read-only = 只读状态页
footer-rendered = 生成于

## 总览

status-title = 状态
banner-nothing-watched = 还没有监控任何 Space：请设置 SPACES。
banner-all-fine = 所有监控的 Space 均正常
banner-attention = { $count ->
   *[other] { $count } 个 Space 需要处理
}
banner-attention-of = { $count } / { $total } 个 Space 需要处理
summary-watched = 共监控 { $count } 个
summary-last-check = 上次检查
summary-next = 下次
filter-placeholder = 按名称筛选
filter-label = 按名称筛选 Space
filter-button = 筛选
filter-shown = 显示 { $shown } / { $total } 个
filter-show-all = 显示全部
status-needs-attention = 需要处理
status-spaces = 全部 Space
status-none-watched = 没有监控任何 Space。
status-none-match = 没有符合筛选条件的 Space。
status-recent-incidents = 最近故障
status-recent-actions = 最近操作
card-checked = 检查于
card-incident-since = 故障开始于
owner-spaces = { $count } 个 Space
owner-need-attention = { $count } 个需要处理
live-label = 实时
live-title = CPU · 内存 · 网络 ↓ 入 ↑ 出
token-problem = { $owner } 的令牌

## 表格列

col-space = Space
col-verdict = 判定
col-stage = 阶段
col-hardware = 硬件
col-checked = 检查于
col-90-days = 90 天
col-live = 实时
col-actions = 操作
col-opened = 开始于
col-lasted = 持续
col-cause = 原因
col-resolution = 处理结果
col-started = 开始于
col-action = 操作
col-by = 执行者
col-result = 结果
col-detail = 详情
col-when = 时间
col-probe = 探测
col-error = 错误
uptime-24h = 24 小时
uptime-7d = 7 天
uptime-30d = 30 天
incidents-none = 没有故障记录。
actions-none = 没有操作记录。
checks-none = 没有检查记录。
incident-open = （未结束）

## 在线率条

bar-label = { $days } 天在线率：{ $figure }
bar-days-ago = { $days } 天前
bar-today = 今天
bar-no-data = 无数据
bar-not-checked = 未检查
bar-day = { $date }：{ $figure }
bar-day-unchecked = { $date }：{ $unchecked } 未检查
bar-day-partly = { $date }：{ $figure }；{ $unchecked } 未检查

## Space 页面

space-all-spaces = 全部 Space
space-sign-in-to-act = 后即可重启、重建、暂停或静音该 Space。
space-live-metrics = 实时指标
space-uptime-90 = 在线率（最近 90 天）
space-incidents = 故障
space-actions = 操作
space-latest-checks = 最近检查
fact-stage-since = 进入该阶段于
fact-last-check = 上次检查
fact-uptime = 在线率
fact-last-visit = 上次保活访问
fact-app = 应用
fact-repairs = 修复
fact-gave-up = 已放弃：需要人工处理
fact-muted = 告警已静音
fact-muted-until = 直到
cause-label = 原因
incident-open-title = 未结束的故障
incident-since = 开始于
live-memory = 内存
live-download = 下载
live-upload = 上传
live-sparkline = { $figure }，最近的采样
live-samples = { $count } 个采样，最近一个在
live-connecting = 正在连接 Hugging Face…
live-retrying = 实时指标中断，正在重试…
live-unavailable = 暂时无法获取实时指标。
live-busy = 打开的实时指标连接过多，请稍后再试。
live-none = Space 运行时，这里会显示实时指标。
probe-answer = { $status }，用时 { $ms } ms
probe-no-answer = 无响应（{ $ms } ms）

## 成本

cost-title = 成本
cost-last-days = 最近 { $days } 天：{ $total }
cost-partial = 另有价格未知的硬件
cost-projection = 按此速度本月约：{ $total }
cost-per-space = 各 Space 成本
cost-bar-title = { $space }（{ $hardware }）：{ $hours } 小时
cost-unknown-price = 价格未知
cost-more = 另有 { $count } 个 Space（GET /api/v1/costs 可列出全部）

## 页面操作、登录、错误

act-unknown = 未知操作 { $action }。
confirm-title = { $action } { $space }？
confirm-sentence-end = 。
confirm-no-stop = 操作会立即开始，无法在此中止。
confirm-cancel = 取消
login-intro = 登录后，可在各 Space 页面重启、重建、暂停、唤醒和静音。
login-huggingface = 使用 Hugging Face 登录
login-user-name = 用户名
login-password = 密码
login-framed-before = 在 Hugging Face 页面内打开？浏览器不会在那里保留登录状态：
login-framed-link = 在新标签页打开 spacewarden
login-framed-after = 并在那里登录。
login-wrong = 用户名或密码错误。
login-throttled = 登录失败次数过多，请 { $seconds } 秒后再试。
login-busy = 同时登录的人太多，请稍后再试。
error-title = 出错了
error-text = 无法读取状态。详情请查看 spacewarden 的日志。
not-found-title = 未找到
not-found-text = 没有这个页面，或 spacewarden 没有监控该 Space。
refused-title = 已拒绝
refused-text = 此表单不属于你当前的会话（可能来自旧的标签页）。请刷新页面后重试。

## i18n-alerts

# 告警（所有渠道）。Space 名、Hugging Face 的错误信息、日志等外部文本由调用方清理和转义。
# 代码（verdict、cause）保留在 JSON 里；这里是给人看的文字。

alert-paren = （{ $text }）
alert-cause = { $summary }
alert-verdict = { $verdict ->
    [up] 正常
    [degraded] 降级
    [starting] 启动中
    [down] 故障
    [broken_config] 配置错误
    [sleeping] 休眠
    [paused] 已暂停
    [unknown_stage] 处于未知阶段
    [unreachable] 无法访问
   *[other] { $verdict }
}
alert-step = { $step ->
    [restart] 重启
    [rebuild] 重建
   *[other] 修复
}
alert-span-part = { $unit ->
    [d] { $n } 天
    [h] { $n } 小时
    [m] { $n } 分钟
   *[s] { $n } 秒
}
alert-span-join = {" "}

alert-down = 🔴 { $space } 当前{ $verdict }{ $stage }{ $deploy }
alert-still-down = 🔴 { $space } 仍然{ $verdict }{ $stage }
alert-repairing = 🟠 { $space }：{ $step ->
    [rebuild] 正在恢复出厂重建（不使用构建缓存）
   *[other] 正在重启
}…
alert-repair-failed = 🟠 { $space }：{ $step }没能让它恢复{ $stage }
alert-gave-up = ⛔ { $space } 需要人工处理：自动修复已放弃{ $stage }
alert-recovered = 🟢 { $space } 已恢复{ $after }{ $fixed }{ $now }
alert-recovered-after = ，故障持续 { $span }
alert-recovered-fixed = （由{ $step }修复）
alert-recovered-now = ，当前{ $verdict }
alert-woken = ⚪ { $space } 处于休眠，已被唤醒
alert-wake-failed = 🔴 { $space } 处于休眠，唤醒失败{ $stage }
alert-hardware-drift = 🟠 { $space } 没有运行在它要求的硬件上
alert-memory-high = 🟠 { $space } 的内存接近上限
alert-saved = 💵 { $space }
alert-deploy = ，在提交 { $sha } 之后出错
alert-deploy-ago = ，在提交 { $sha } 之后出错（{ $ago }）
alert-spaces-changed = spacewarden：{ $count } 个 Space 有变化

alert-note-requested-by = 由 { $actor } 请求
alert-note-repairs-capped = 最近 { $window } 内 { $repairs } 次自动修复都没能让它保持运行
alert-note-tried = 已尝试 { $tried }；最后一次：{ $why }
alert-note-no-ladder = 没有自动修复
alert-note-then = { $text }；{ $more }
alert-note-drift = 要求 { $requested }，实际在 { $current } 上运行已 { $span }
alert-note-memory = 内存已达上限的 { $percent } %（{ $used } / { $total } GiB，连续 { $samples } 次采样）；超过上限会被停止。请释放内存或换用内存更大的硬件。未重启
alert-note-saved = 暂停了 { $hours } 小时，节省约 { $saved }
alert-note-saved-no-price = 暂停了 { $hours } 小时，{ $hardware } 没有已知价格
alert-note-saved-no-hardware = 暂停了 { $hours } 小时，硬件尚不清楚

alert-notice-line = { $head }：{ $detail }
alert-notice-checks-stalled = 🚨 spacewarden 自身的检查停滞了
alert-notice-checks-resumed = ✅ spacewarden 的检查已恢复运行
alert-notice-store-failing = 🚨 spacewarden 无法写入数据库
alert-notice-store-recovered = ✅ spacewarden 已能再次写入数据库
alert-notice-test = 🧪 spacewarden 测试告警
alert-notice-stalled-since = 自 { $since } 起没有完成的检查
alert-notice-last-failure = { $text }；最近一次失败：{ $failure }
alert-notice-resumed = 检查周期已恢复完成
alert-notice-store-since = 自 { $since } 起写入失败：{ $reason }
alert-notice-store-back = 写入已恢复
alert-notice-test-detail = 应请求发送，用于检查这个告警渠道；一切正常

alert-platform-cause = 🟣 Hugging Face 似乎出了问题：{ $owners } 个所有者的 { $count } 个 Space 出现同样的故障：{ $summary }
alert-platform-hub = 🟣 Hugging Face 似乎出了问题：无法查询 { $owners } 个所有者的 { $count } 个 Space（服务器错误或超时）
alert-platform-more = 等另外 { $count } 个
alert-platform-on-hold = 在问题结束前，这些 Space 的自动修复暂停；管理员仍可使用 /restart 或 /rebuild
alert-platform-ended = 🟢 Hugging Face 的问题似乎已结束：{ $count } 个 Space 中已有 { $back } 个恢复（{ $summary }{ $lasted }）
alert-platform-lasted = ，持续 { $span }
alert-platform-still-failing = 仍因其他原因失败，已交由各自的修复处理：{ $spaces }

alert-button-restart = 重启
alert-button-rebuild = 重建
alert-button-mute = 静音 1 小时
alert-button-logs = 日志
alert-field-stage = 阶段
alert-field-verdict = 判定
alert-field-step = 步骤

# 故障原因：每条内置规则的摘要（$arg 是规则捕获的内容，来自外部），每个原因代码的默认摘要和建议。
cause-row-registry_auth-1 = Hugging Face 的镜像仓库拒绝了构建（401 未授权）
cause-row-scheduling_failure-1 = Hugging Face 无法调度这个 Space（{ $arg }）
cause-row-gpu_quota-1 = ZeroGPU 配额已用完
cause-row-disk_full-1 = 磁盘已满（设备上没有剩余空间）
cause-row-disk_full-2 = Space 使用的存储超过了上限（{ $arg }）
cause-row-out_of_memory-1 = Space 内存不足（{ $arg }）
cause-row-out_of_memory-2 = 进程因占用内存过多被杀死（退出码 137）
cause-row-out_of_memory-3 = 进程被杀死（内存不足）
cause-row-port_not_listening-1 = 应用始终没有就绪：端口在规定时间内没有响应
cause-row-gated_or_missing_model-1 = Hugging Face 拒绝了受限模型 { $arg }
cause-row-gated_or_missing_model-2 = Hugging Face 拒绝了一个受限模型
cause-row-gated_or_missing_model-3 = Hugging Face 拒绝了模型下载（{ $arg }）
cause-row-gated_or_missing_model-4 = 应用下载的模型不存在或是私有的
cause-row-gated_or_missing_model-5 = 应用加载的模型在 Hugging Face 上不存在
cause-row-syntax_error-1 = 代码无法解析（{ $arg }）
cause-row-missing_module-1 = 没有安装模块 { $arg }
cause-row-missing_module-2 = Python 导入失败
cause-row-dependency_install_failed-1 = pip 无法解析依赖（版本冲突）
cause-row-dependency_install_failed-2 = pip 找不到 { $arg } 的可用版本
cause-row-dependency_install_failed-3 = pip 找不到 { $arg } 的发行包
cause-row-dependency_install_failed-4 = 有依赖不支持这个 Space 的 Python 版本
cause-row-dependency_install_failed-5 = npm 无法安装依赖（{ $arg }）
cause-row-dependency_install_failed-6 = 安装依赖失败（{ $arg }）
cause-row-exit_code-1 = 应用退出，退出码 { $arg }
cause-summary-missing_module = 应用导入的 Python 模块没有安装
cause-summary-dependency_install_failed = 安装依赖失败
cause-summary-syntax_error = 代码无法解析
cause-summary-out_of_memory = Space 内存不足
cause-summary-port_not_listening = 应用始终没有在端口上响应
cause-summary-gated_or_missing_model = Hugging Face 拒绝了模型下载（受限、私有或不存在）
cause-summary-registry_auth = Hugging Face 的镜像仓库拒绝了构建
cause-summary-scheduling_failure = Hugging Face 无法调度这个 Space
cause-summary-gpu_quota = ZeroGPU 配额已用完
cause-summary-disk_full = 磁盘已满
cause-summary-exit_code = 应用出错退出
cause-summary-unknown = 没有匹配到已知的故障模式
cause-summary-hub_unavailable = 无法查询 Hugging Face
cause-advice-missing_module = 把这个包加入 requirements.txt（或修正导入）然后推送：重启运行的仍是同一个镜像
cause-advice-dependency_install_failed = 固定能一起安装的版本（requirements.txt、package.json、packages.txt）然后推送
cause-advice-syntax_error = 需要修改代码：改正错误堆栈中指出的那一行然后推送
cause-advice-out_of_memory = 减少内存占用（更小的模型、延迟加载），或把 Space 换到更大的硬件
cause-advice-port_not_listening = 监听 0.0.0.0 和 app_port 指定的端口（默认 7860），并在启动超时之前启动
cause-advice-gated_or_missing_model = 接受模型的条款，并给 Space 一个能读取它的 HF_TOKEN 密钥，或者修正模型名称
cause-advice-registry_auth = 这是 Hugging Face 那边的问题：Space 无需修改；spacewarden 会在上限内稍后重试
cause-advice-scheduling_failure = 这是 Hugging Face 那边的问题：Space 无需修改；spacewarden 会在上限内稍后重试
cause-advice-gpu_quota = 等待 ZeroGPU 配额恢复，或把 Space 换到独占硬件
cause-advice-disk_full = 释放空间：把缓存放在 /data，启动时少下载一些，或增加存储
cause-advice-exit_code = 应用崩溃了：查看运行日志的最后几行（/logs）
cause-advice-unknown = 查看 Space 的日志（/logs）

## i18n-chat
# 聊天回复（Telegram、Discord）以及命令核心对各入口的回答。
# Space id、阶段名、硬件规格和外部文本（Hub 的错误、日志行）原样插入。

chat-internal = 出错了（编号 { $reference }），详情请查看 spacewarden 的日志。
chat-which-space = 哪个 Space？
chat-not-a-space-id = 不是有效的 Space id：{ $reason }
chat-not-watched = 我没有监控 { $space }。请看 /spaces。
chat-check-now = 🔎 正在检查所有 Space；有变化会发出告警。
chat-check-unavailable = 这里不能按需检查。
chat-denied-admins-only = 只有管理员可以这样做。
chat-denied-not-here = 抱歉，此聊天未获准使用 spacewarden。
chat-unknown-command = 未知命令。试试 /help。
chat-page-prev = ◀ 上一页
chat-page-next = 下一页 ▶
chat-page = 第 { $page } 页
chat-page-of = 第 { $page } 页，共 { $pages } 页

# /status 与 /spaces
chat-status-none-checked = 还没有检查过任何 Space。首次检查按计划运行（或发送 /check）。
chat-status-count = { $verdict } { $count } 个
chat-status-title = 共 { $total } 个 Space：{ $counts }
chat-status-token = ⚠ { $owner } 的令牌
chat-status-all-up = 全部正常。
chat-status-attention = { $count } 个 Space 需要处理
chat-status-problems-page = 问题列表第 { $page } 页，共 { $pages } 页
chat-status-more-up = 另有 { $count } 个正常（/spaces 列出全部）
chat-spaces-title = 正在监控 { $watched }（已发现 { $count } 个 Space）
chat-detail-unchecked = { $space }：尚未检查
chat-detail-verdict = 判定
chat-detail-stage = 阶段
chat-detail-stage-unknown = 未知
chat-detail-hardware = 硬件
chat-detail-last-check = 上次检查
chat-detail-uptime = 在线率 24 h / 7 d / 30 d
chat-detail-muted-until = 静音至
chat-detail-cause = 原因
chat-detail-incident = 未结束的故障
chat-detail-incident-since = 自 { $at }（{ $ago }）：{ $cause }

# /history
chat-history-title = { $space } 的记录（时间为 { $offset }）
chat-history-empty = 没有故障记录，也没有操作记录。
chat-history-lasted = 持续 { $lasted }，{ $resolution }
chat-history-open = 已持续 { $lasted }
chat-history-incident = { $at } { $verdict }：{ $cause }（{ $state }）
chat-history-action = { $at } { $kind }，操作者 { $actor }：{ $result }
chat-history-incidents = 故障
chat-history-actions = 操作

# /logs、/metrics、/costs
chat-hub-token-cannot-read = 令牌无权读取
chat-hub-rate-limited = Hub 正在限流，请一分钟后再试
chat-hub-no-answer = Hub 没有响应
chat-hub-unavailable = 无法获取 { $space } 的{ $what ->
    [logs] 日志
   *[other] 实时指标
}：{ $why }。
chat-logs-none = { $space } 没有 { $kind } 日志。
chat-logs-title = { $space } 最近的 { $kind } 日志
chat-metrics-title = { $space } 的实时指标
chat-metrics-memory = 内存
chat-metrics-network = 网络 入 / 出
chat-metrics-samples = 采样数
chat-costs-title = 💵 成本（美元）
chat-costs-24h = 24 h
chat-costs-7d = 7 d
chat-costs-30d = 30 d
chat-costs-projected = 本月预计
chat-costs-not-known = 暂时未知
chat-costs-partial = { $total } + 未知部分
chat-costs-unknown-price = 价格未知
chat-costs-line = { $space }（{ $hardware }）：{ $hours } h，{ $cost }
chat-costs-none = 还没有计费时长记录。
chat-costs-dearest = 最近 30 天，按成本从高到低：

# 操作：重启、重建、暂停、唤醒、休眠时间、静音
chat-step-restart = 重启
chat-step-rebuild = 恢复出厂重建
chat-restarting = 🔄 正在重启 { $space }…
chat-rebuilding = 🔨 正在恢复出厂重建 { $space }…
chat-repair-recovered = ✅ { $step }后 { $space } 已恢复（用时 { $took }）
chat-repair-still-broken = ❌ { $step }后 { $space } 仍然故障
chat-repair-failed = ❌ { $space } 的{ $step }失败了
chat-repair-interrupted = { $space } 的修复被中断；spacewarden 重启后会继续。
chat-in-flight = { $space } 正在修复中，请等它完成
chat-rebuild-ask = 要恢复出厂重建 { $space } 吗？
chat-rebuild-explain = 这会不使用构建缓存、从头重建该 Space。按钮 { $minutes } 分钟内有效。
chat-button-rebuild = 重建
chat-button-cancel = 取消
chat-paused = ⏸ { $space } 已暂停（{ $stage }）
chat-pause-failed = 无法暂停 { $space }：{ $why }
chat-waking = ⏰ 正在唤醒 { $space }；恢复运行时会发出告警。
chat-sleep-never = 从不休眠
chat-sleeps-after = 😴 { $space } 现在的休眠时间：{ $after }
chat-sleep-failed = 无法设置 { $space } 的休眠时间：{ $why }
chat-muted = 🔕 { $space } 已静音至 { $until }
chat-unmuted = 🔔 { $space } 已取消静音
chat-mute-unchecked = { $space } 尚未检查过；请在首次检查后再试。

# 按钮与确认
chat-button-invalid = 此按钮已失效。
chat-button-unwatched = 该 Space 已不再监控。
chat-confirm-not-yours = 只有发起请求的管理员可以确认。
chat-confirm-already = 已经处理过了。
chat-confirm-expired = 已过期
chat-confirm-rebuilding = 正在重建
chat-confirm-cancelled = 已取消
chat-rebuild-expired = { $space } 的重建请求已过期；请重新发送 /rebuild。
chat-rebuild-cancelled = 已取消 { $space } 的重建。

# 多副本：从副本把命令交给主副本执行
chat-relay-lost = 请求在主副本接手前丢失了。
chat-relay-empty = 主副本没有给出回答。
chat-relay-interrupted = 主副本在执行过程中停止了，另一个副本已接管。再次请求前请先查看该 Space 的记录。
chat-relay-no-leader = 当前没有副本在执行（没有主副本），所以什么也没做。请几秒后再试。
chat-relay-still-running = 主副本仍在执行；请查看该 Space 的记录。

# /testalert、/lang、/help
chat-test-alert-all = 🧪 测试告警已送达所有目的地：
chat-test-alert-some = 🧪 测试告警未能送达所有目的地：
chat-test-alert-delivered = ✅ { $destination }：已送达
chat-lang-set = 此聊天的回复语言已设为{ $name }。
chat-lang-auto = 此聊天的回复现在跟随每个人自己的语言。
chat-lang-only-in-chat = /lang 用于设置某个聊天或频道的语言，请在那里发送。
chat-help-title = spacewarden 命令

# 参数错误：先说原因，再给用法
chat-parse-unknown = 未知命令 /{ $name }。试试 /help。
chat-parse-usage = { $reason }。用法：{ $usage }
chat-parse-which-space = 哪个 Space？
chat-parse-missing = 缺少 { $name }
chat-parse-unexpected = 多余的参数 { $name }
chat-parse-build-or-run = “{ $value }”既不是 build 也不是 run
chat-parse-duration = 时长无效：{ $reason }
chat-parse-range = { $name } 的时长须在 1s 到 30d 之间
chat-parse-lang = 不支持“{ $value }”（可选 zh-CN、en 或 auto）
chat-parse-no-argument = 此命令不带参数
chat-parse-too-many = 参数太多
chat-usage-space = 所有者/名称
chat-usage-duration = 时长，例如 1h
chat-usage-sleep-time = 时长|never

# 命令菜单（Telegram）与斜杠命令（Discord）：不超过 100 个字符
chat-cmd-status = 一览所有 Space，或查看某一个的详情
chat-cmd-spaces = 监控列表及判定
chat-cmd-history = 某个 Space 最近的故障与操作
chat-cmd-metrics = 某个 Space 的实时 CPU、内存和网络
chat-cmd-costs = Space 的成本：24 小时、7 天、30 天、本月
chat-cmd-help = 你可以使用的命令
chat-cmd-logs = 某个 Space 最近的日志（构建或运行）
chat-cmd-restart = 重启某个 Space
chat-cmd-rebuild = 恢复出厂重建某个 Space（会先确认）
chat-cmd-pause = 暂停某个 Space
chat-cmd-wake = 唤醒某个 Space
chat-cmd-mute = 将某个 Space 的告警静音（默认 1 小时）
chat-cmd-unmute = 取消某个 Space 的告警静音
chat-cmd-sleeptime = 设置 Space 空闲多久后休眠
chat-cmd-check = 立即检查所有 Space
chat-cmd-testalert = 向所有目的地发送测试告警
chat-cmd-lang = 设置此处的回复语言：zh-CN 或 en；auto 表示跟随每个人自己的语言
chat-arg-space = 被监控的 Space（所有者/名称）
chat-arg-kind = build（构建）或 run（运行）
chat-arg-duration = 时长（默认 1 小时）
chat-arg-sleep-time = 空闲多久后休眠，或 never
chat-arg-lang = zh-CN、en 或 auto（跟随每个人自己的语言）

## i18n-cli

# 命令行：check 的表格（列名、探测无响应、汇总行与检查时间）。
cli-col-space = Space
cli-col-stage = 阶段
cli-col-verdict = 判定
cli-col-hardware = 硬件
cli-col-probe = 探测
cli-col-error = 错误
cli-probe-no-reply = 无响应
cli-summary = 共 { $total } 个 Space：{ $counts }
cli-summary-count = { $count } 个{ $verdict }
cli-checked-at = {" "}· 检查于 { $at }
# check --repair、restart、rebuild 的错误与进度。
cli-error = 错误：{ $error }
cli-error-store = 错误：数据库：{ $error }
cli-timeout-too-long = 错误：--timeout 太长
cli-repair-timed-out = { $after } 后超时：仍在进行的修复已停止，下次运行时会继续
cli-action-timed-out = { $after } 后超时：{ $space } 的{ $action }未完成，下次运行时会继续
cli-alerts-left = { $count } 条告警未能在时限内发出，将在下次运行时发出
cli-resuming = 正在通过轮询继续上次运行未完成的 { $count } 个修复
cli-checked = 已检查：{ $summary }
cli-phase-checking = 检查中
cli-phase-repairing = 修复中
cli-phase-delivering-alerts = 发送告警中
cli-elapsed = { $done } / { $total }
cli-repairs-running = { $count } 个修复进行中（{ $elapsed }）
cli-repair-ended = { $space }：修复结束（{ $elapsed }）
# doctor：标题、各部分标题与最后一行。
cli-doctor-title = spacewarden doctor：读取到的配置，检查时不会操作任何 Space
cli-doctor-section-configuration = 配置
cli-doctor-section-watch-list = 监控列表
cli-doctor-section-sign-in = 页面登录
cli-doctor-section-oauth = 使用 Hugging Face 登录
cli-doctor-section-tokens = 令牌
cli-doctor-section-destinations = 聊天与告警目标
cli-doctor-section-store = 数据库
cli-doctor-warnings = { $count } 个警告
cli-doctor-summary = { $problems ->
    [0] 没有会导致失败的问题（{ $warnings }）。
   *[other] { $problems } 个问题会导致 spacewarden 失败（{ $warnings }）。
}
# test-alert、hash-password、report。
cli-test-alert-delivered = 已送达  { $destination }
cli-test-alert-failed = 失败    { $destination }：{ $why }
cli-hash-password-prompt = 请输入密码，然后按 Enter 和 Ctrl-D（输入时会显示在屏幕上；用管道传入可避免）：
cli-hash-password-unreadable = 错误：无法从标准输入读取密码：{ $error }
cli-hash-password-empty = 错误：密码为空
cli-report-wrote = 已写入 { $count } 个文件到 { $dir }
report-summary = 最近 { $days } 天共检查 { $checks } 次
report-summary-rate = 最近 { $days } 天共检查 { $checks } 次，成功率 { $rate }%
# 使用 Hugging Face 登录：登录服务返回后的页面。
oauth-signed-in-title = 已登录
oauth-signed-in-as = 已通过 Hugging Face 登录，用户
oauth-continue = 继续
oauth-not-listed-title = 不在名单中
oauth-not-listed-text = ，但此 spacewarden 的管理员和只读名单（WEB_ADMINS、WEB_VIEWERS）中都没有你。你看到的页面与普通访客相同。
oauth-go-to-page = 前往状态页
oauth-not-signed-in-title = 未登录
oauth-back-to-sign-in = 返回登录页
oauth-provider-failed = 无法连接 Hugging Face，请稍后再试。
oauth-rejected = 此次登录未通过校验，请从登录页重新开始。
# 令牌自检（页面提示、doctor）：某个所有者的令牌及原因。
token-verdict-missing = 没有令牌，只能只读：其公开的 Space 以匿名方式检查，无法重启（请设置 HF_USER={ $owner }:<令牌> 或 HF_TOKEN）
token-verdict-refused = Hugging Face 拒绝了该令牌（401）：请创建新令牌
token-verdict-unanswered = 暂时无法调用 whoami：{ $why }
token-verdict-read-only = { $user } 的令牌是只读的：其 Space 可以检查，但无法重启、重建或暂停；请使用具有 write 权限的令牌
token-verdict-not-theirs = { $user } 既不是 { $owner }，也不在该组织中，Hugging Face 会拒绝重启他人的 Space；请设置 HF_USER={ $owner }:<其令牌>
token-verdict-own = 可以重启 { $owner } 的 Space（自己的令牌）
token-verdict-member = 可以重启 { $owner } 的 Space（组织 { $owner } 的成员）
# 故障的处理结果（以英文存储，如 back to up、fixed by restart）。
resolution-back-to = 恢复为{ $verdict }
resolution-fixed-by = 通过{ $step }修复

## scale-web

scale-owners = 所有者
scale-owner-count = { $verdict } { $count } 个
scale-owner-title = { $owner } 的 Space
scale-attention-more = 另有 { $count } 个需要处理。
scale-show-them = 全部显示
scale-pages = 分页
scale-previous = ‹ 上一页
scale-next = 下一页 ›
scale-page-of = 第 { $page } 页，共 { $pages } 页
scale-verdict-label = 按判定筛选 Space
scale-verdict-all = 全部判定

## i18n-reasons

# 探测或修复失败的原因。存储和 API 中保持英文（见 locales/en），这里是给人看的文字。
# 阶段名（RUNNING 等）、HTTP 状态码、Hub 返回的文字、配置的关键词原样插入。
reason-no-answer-within = { $secs } 秒内没有应答
reason-connection-failed = 连接失败
reason-request-failed = 请求失败
reason-body-late = 未能及时收到响应内容
reason-body-read-failed = 读取响应内容失败
reason-status = 应用返回 HTTP { $status }
reason-keyword-missing = 响应中没有关键词“{ $keyword }”
reason-no-answer = 没有应答
reason-app-silent = 应用没有应答
reason-no-runtime = 尚未读到运行状态
reason-still = 仍处于 { $stage }
reason-now = 现处于 { $stage }
reason-now-said = 现处于 { $stage }：{ $error }
reason-serving-but = { $stage }，但{ $probe }
reason-not-back = { $within }内未恢复：{ $last }
reason-hub-unknown = Hugging Face 上没有这个 Space
reason-hub-token-refused = Hugging Face 拒绝了令牌
reason-hub-not-allowed = 该令牌无权在 Hugging Face 上执行此操作
reason-hub-rejected = Hugging Face 拒绝了该请求
reason-hub-rate-limited = Hugging Face 正在限流，请 { $secs } 秒后重试
reason-hub-unavailable = Hugging Face 暂时不可用
reason-hub-unreadable = Hugging Face 的回复无法解析
reason-with-ref = { $summary }（编号 { $reference }）
reason-hub-said-not-found = Hugging Face 上找不到：{ $said }
reason-hub-said-token = Hugging Face 拒绝了令牌：{ $said }
reason-hub-said-forbidden = Hugging Face 拒绝了该请求：{ $said }
reason-hub-said-rejected = Hugging Face 驳回了该请求：{ $said }
reason-hub-said-unavailable = Hugging Face 不可用：{ $said }
reason-hub-said-unreadable = Hugging Face 的回复异常：{ $said }
reason-hub-paced = 被 Hugging Face 限流，请 { $secs } 秒后重试
# 告警：Space 出错前的那次提交是何时做的（TZ 时区，带偏移）。
reason-deploy-at = ，在提交 { $sha } 之后出错（{ $ago }，{ $at }）
# 操作结果（存储为 still_broken、done）。
action-result-still-broken = 仍未恢复
action-result-done = 已完成

## i18n-errors

# 启动与配置错误：以 `error: 变量名: …` 打印；变量名在任何语言中都保持原样。
# { $value } 是用户给出的值，原样显示。
config-not-a-url = “{ $value }”不是 URL（{ $why }）
config-not-http = “{ $value }”必须是 http 或 https 地址
config-template-no-placeholder = “{ $value }”中没有 {"{"}subdomain{"}"} 占位符
config-hf-timeout = “{ $value }”不是 1s 到 5m 之间的时长（例如 15s）
config-run-timeout = “{ $value }”不是 1 到 86400 之间的秒数
config-file-unreadable = 无法读取 { $path }：{ $why }
config-file-invalid = { $path }：{ $why }
config-not-a-port = “{ $value }”不是端口号（0-65535）
config-not-an-id = “{ $value }”不是数字 id
config-cron-field-count = “{ $value }”有 { $count } 个字段；应为 5 个（分 时 日 月 星期）或 6 个（秒在最前）
config-cron-both-days = “{ $value }”同时限定了日期和星期；请把其中一个设为 *
config-cron-weekday = “{ $value }”：{ $problem }
config-cron-invalid = “{ $value }”不是有效的 cron 表达式（{ $why }）
config-cron-never = “{ $value }”永远不会触发
config-cron-bad-step = 星期字段“{ $value }”的步长有误
config-cron-wraps = 星期范围“{ $value }”跨过了周末；请写成两个范围
config-cron-day-out-of-range = 星期 { $day } 超出范围 0-7
config-cron-not-a-day = “{ $value }”不是星期几
config-outside = { $text }
config-not-an-address = “{ $value }”不是 IP 地址或 CIDR 网段
config-bad-prefix = “{ $value }”的前缀长度有误
config-not-in-range = “{ $value }”不是 1 到 { $max } 之间的数
config-user-without-password = 设置了 { $from } 却没有密码：请设置 WEB_PASSWORD_HASH（可用 spacewarden hash-password 生成）或 WEB_PASSWORD
config-password-without-user = 设置了页面密码（{ $from }），却没有设置 WEB_USERNAME
config-hash-and-password = WEB_PASSWORD_HASH 与 WEB_PASSWORD 只能设置其一
config-not-a-phc = 不是 argon2 PHC 字符串（{ $why }）；请用 `spacewarden hash-password` 生成
config-phc-algorithm = 算法是 { $algorithm }
config-phc-no-hash = 缺少哈希部分
config-phc-memory = 它的内存开销 m={ $kib } KiB，超过了每次登录 { $mib } MiB 的上限；请用 `spacewarden hash-password` 生成（19 MiB）
config-email-without-smtp = 已设置，但没有设置 SMTP_URL
config-needed-with = 与 { $other } 须一起设置
config-email-no-address = 没有任何地址
config-url-unparsed = 不是 URL（{ $why }）
config-url-no-host = 没有主机名
config-url-not-http = 必须是 http 或 https 地址
config-url-no-key = 路径末尾没有 key 或 topic
config-smtp-scheme = 必须以 smtp:// 或 smtps:// 开头
config-smtps-tls-none = smtps:// 不能带 tls=none
config-smtp-option = 有未知选项 { $option }
config-smtp-tls-none-remote = tls=none 只允许用于本机回环地址，不能用于 { $host }
config-smtp-not-utf8 = 用户名或密码不是 UTF-8
config-smtp-password-no-user = 有密码却没有用户名
config-not-an-address-mail = { $value } 不是电子邮件地址
config-sendkey-characters = 含有 SendKey 中不会出现的字符
config-sendkey-sctp = 以 sctp 开头，却不是 sctp<uid>t 的形式
config-admins-star = “*”会让每个 Hugging Face 用户都成为管理员；请写明用户或 @组织
config-not-a-hub-name = “{ $value }”不是 Hugging Face 名称
config-oauth-no-secret = 设置了 OAUTH_CLIENT_ID，却没有设置 OAUTH_CLIENT_SECRET（带 hf_oauth: true 的 Space 两者都会拿到）
config-not-a-bool = “{ $value }”既不是 true 也不是 false
config-not-an-http-url = “{ $value }”不是 http(s) 地址
config-bad-entry = 条目无效：{ $why }
config-no-owner = “{ $value }”没有所有者，且没有设置 USERNAME
config-hf-user-no-colon = 第 { $entry } 项没有“:”（应为 owner:令牌）
config-not-an-owner = “{ $value }”不是有效的所有者名称
config-not-a-language = “{ $value }”不是语言标签（例如 { $known }）
config-not-a-zone = “{ $value }”不是时区（应为 Asia/Shanghai 这样的 IANA 名称，或 UTC）
config-db-scheme = 不支持“{ $scheme }:”这种协议
config-db-no-scheme = 没有协议前缀
config-db-url = { $why }；请使用 sqlite://path/to/file.db 或 postgres://user:password@host/db
# 变量取值以外的启动问题（`error: 变量名: …`）。
build-nothing-to-watch = 没有要监控的 Space；请设置 SPACES（owner/name 或 owner/*）
build-nothing-to-watch-or-flag = 没有要监控的 Space；请设置 SPACES（owner/name 或 owner/*）或使用 { $flag }
build-lock-held = { $url } 正被另一个 spacewarden 使用（{ $holder }；锁文件 { $path }）
build-lock-io = 无法锁定 { $path }：{ $why }
build-locked-daemon = { $why }；两个守护进程共用一个数据库会重复重启和告警：请停掉另一个，或为这个设置单独的 DATABASE_URL
build-locked-one-shot = { $why }：它会处理出问题的 Space；{ $advice }
build-advice-check-repair = 请运行不带 --repair 的 `check`，或通过它操作：POST /api/v1/spaces/<owner>/<name>/restart
build-advice-space-action = 请改为通过它操作：POST /api/v1/spaces/<owner>/<name>/restart（或 /rebuild），或在聊天中发送 /restart
build-leader-acting = 副本 { $holder } 正在主导这个数据库（{ $seconds } 秒前有心跳），会处理出问题的 Space；{ $advice }
build-store-open = 无法打开数据库 { $url }：{ $why }
build-store-migrate = 无法迁移数据库：{ $why }
build-store-query = 数据库错误：{ $why }
build-store-not-leader = 本副本已不是主导者（任期 { $held }，数据库记录为 { $current }）
build-hub = 无法创建 Hub 客户端：{ $why }
build-http-client = 无法创建 HTTP 客户端：{ $why }
build-destination = 告警渠道无法设置：{ $why }
build-signal = 无法监听 SIGHUP：{ $why }
build-listen = 无法监听端口 { $port }：{ $why }
build-note-beside-daemon = 一个运行中的 spacewarden 正持有这个数据库（{ $holder }）；本次检查不保存，以便守护进程先看到每个变化
build-advice-test-alert = 请改为在聊天中发送 /testalert
build-dotenv-line = 无法解析第 { $byte } 字节处的那一行
build-dotenv-read = 无法读取：{ $why }
# 警告（启动日志、doctor）：可以接受，但多半不是本意。
config-alias-read = 将 { $alias } 读作 { $native }
config-alias-ignored = { $alias } 被忽略：已设置 { $native }，以它为准
config-warn-lone-hf-username = 设置了 HF_USERNAME 却没有 HF_PASSWORD，因此不会开启登录：HF_USERNAME 加 HF_PASSWORD 是 Cloudflare 管理面板的登录方式；要监控的所有者请写在 HF_USERNAMES（带 S）中
config-warn-default-user = 设置了 USER_PASSWORD 却没有 USER_NAME：页面用户为 admin（Node 面板的默认值）；如需其他用户名，请设置 USER_NAME 或 WEB_USERNAME
config-warn-short-key = { $key } 短于 { $min } 个字符，能访问 API 的人很容易猜到；请使用长随机字符串（openssl rand -hex 32）
config-warn-block-unwatched = SPACEWARDEN_CONFIG 中的 [spaces."{ $space }"]：{ $space } 不在监控列表（SPACES）中，这些设置不起作用
config-warn-unknown-flavor = SPACEWARDEN_CONFIG 中的 [prices]：“{ $flavor }”不是 Hugging Face 公布的硬件规格；请检查拼写（比本版本更新的规格没有问题）
config-warn-typo = { $name } 不是 spacewarden 读取的变量；您是想写 { $meant } 吗？（它会被忽略）
# doctor 的每一条检查结果（小节标题见 cli-doctor-section-*）。
doctor-config-refused = { $key }: { $why }：`spacewarden run` 会拒绝启动（退出码 2）
doctor-no-alias = 未使用别名，没有警告
doctor-settings-unset = 未设置 SPACEWARDEN_CONFIG：所有 Space 使用默认设置
doctor-settings-read = SPACEWARDEN_CONFIG：已读取 { $path }，共 { $count } 个 [spaces."…"] 配置块
doctor-nothing-to-watch = 没有要监控的 Space：请设置 SPACES（owner/name 或 owner/*），或 HF_USER、HF_USERNAMES、带 USERNAME 的 SPACE_LIST、REPO_ID；`spacewarden run` 会拒绝启动（退出码 2）
doctor-watch-owner = { $target }  （该所有者的所有 Space，来自 { $from }）
doctor-watch-space = { $target }  （一个 Space，来自 { $from }）
doctor-sign-in-on = 已开启：用户“{ $user }”来自 { $user_from }，密码来自 { $password_from }
doctor-sign-in-off = 未开启：页面只读（请设置 WEB_USERNAME 和 WEB_PASSWORD_HASH）
doctor-api-off = API：未开启（请设置 API_KEY）
doctor-api-on = API：已开启（{ $keys }）
doctor-no-owner = 没有需要检查的所有者
doctor-hub-client = 无法创建 Hub 客户端：{ $why }
doctor-token-line = { $owner }：{ $verdict }
doctor-token-seen = { $owner }：令牌来自 { $from }{ $seen }：{ $verdict }
doctor-token-whoami = ；whoami：{ $name }（{ $kind }），权限 { $role }
doctor-token-unasked = {""}
doctor-kind-user = 用户
doctor-kind-org = 组织
doctor-role-unknown = 未知
doctor-oauth-off = 未开启（未设置 OAUTH_CLIENT_ID）
doctor-oauth-on = 已开启：客户端来自 OAUTH_CLIENT_ID，密钥来自 OAUTH_CLIENT_SECRET，权限范围“{ $scopes }”，提供方 { $provider }
doctor-oauth-no-roles = WEB_ADMINS 和 WEB_VIEWERS 都为空：用 Hugging Face 登录的用户没有任何角色
doctor-oauth-private = WEB_PRIVATE：页面需要登录会话，/metrics 需要 API 密钥
doctor-oauth-provider-ok = 已读取提供方的发现文档，其中写明了签发者
doctor-oauth-provider-failed = OPENID_PROVIDER_URL：{ $why }
doctor-http-client = 无法创建 HTTP 客户端
doctor-bot-off = { $bot }：未开启（未设置 { $variable }）
doctor-smtp-host = SMTP_URL：其主机无法写成 URL
doctor-reachable = { $name }：{ $at } 可连接（只建立连接，未发送任何内容）
doctor-unreachable = { $name }：{ $why }
doctor-bot-timed-out = 无法连接 { $at }（超时）
doctor-bot-connection-failed = 无法连接 { $at }（连接失败）
doctor-bot-is = { $what }：机器人是 { $name }
doctor-bot-no-name = { $what }：机器人没有名字
doctor-bot-refused = { $what }：{ $variable } 被拒绝（{ $status }）
doctor-bot-answered = { $what }：返回了 { $status }
doctor-no-host-port = { $at }：没有主机或端口
doctor-cannot-connect = 无法连接 { $at }：{ $why }
doctor-tls-failed = { $at }：TLS 握手失败（{ $why }）
doctor-connect-timed-out = 无法连接 { $at }：超时
doctor-store-memory = 内存数据库：每个进程各有一份，进程结束即消失
doctor-store-not-sqlite = DATABASE_URL：不是 sqlx 能读取的 SQLite URL
doctor-store-not-yet = { $path }：尚不存在；首次运行时创建（所在目录可写）
doctor-store-cannot-create = { $path }：无法创建：{ $why }
doctor-store-writable = { $path }：可写，{ $size }
doctor-store-not-writable = { $path }：不可写（{ $why }）
doctor-store-in-use = 正被运行中的 spacewarden 使用（{ $holder }）
doctor-store-free = 目前没有 spacewarden 持有它
doctor-store-postgres = Postgres 位于 { $at }：多个副本共用，靠主导权而不是锁文件
doctor-schema-timeout = 数据库在 { $seconds } 秒内没有响应
doctor-schema-unreadable = 无法读取数据库（打开或查询失败）
doctor-schema-none = 还没有表结构；首次运行时创建版本 { $latest }
doctor-schema-current = 表结构版本 { $version }，与本版本一致
doctor-schema-older = 表结构版本 { $version }；本版本首次运行时会迁移到 { $latest }
doctor-schema-newer = 表结构版本 { $version } 比本版本（{ $latest }）新：请运行较新的版本
doctor-size-mib = { $value } MiB
doctor-size-kib = { $value } KiB
doctor-size-bytes = { $count } 字节
build-log-filter = “{ $value }”不是日志过滤规则（{ $why }）
build-log-install = 无法启动日志：{ $why }
config-cron-near = 在“{ $field }”附近

## i18n-help

# `--help`（src/cli/help.rs）。命令名、选项名、变量名保持英文原样；
# 单行说明末尾不加句号（与英文一致）。
cli-help-about = spacewarden 让 Hugging Face Space 保持在线：通过 Hub API 和探测应用来检查每个监控的 Space，并把每次结果记录到 SQLite
cli-help-cmd-run = 运行守护进程（默认）：按 CHECK_SCHEDULE 检查，修复故障（先重启，再恢复出厂重建，仍不行则放弃并告警），唤醒休眠的 Space，发送告警（标准输出、ALERT_WEBHOOK_URL），并在 PORT（默认 7860）上提供状态页、JSON API（需 API_KEY）和 /metrics。收到 SIGTERM 或 Ctrl-C 时正常停止；收到 SIGHUP 时重新读取 SPACEWARDEN_CONFIG 和 .env。每个 SQLite 文件只能有一个守护进程：同一 DATABASE_URL 上再启动一个会以退出码 2 退出，并指出已在运行的那个
cli-help-cmd-check = 把每个监控的 Space 检查一次，打印结果并保存（不要与使用同一 SQLite 文件的守护进程同时运行，它得先看到变化），再用退出码告诉 cron 或 CI 结果：0 全部正常；1 有 Space 故障、降级或配置错误；2 配置或认证有问题；3 有 Space 无法检查（连不上 Hub）。不需要聊天机器人的令牌，公开的 Space 也不需要 HF 令牌。加上 --repair 时，还会像守护进程一样修复和唤醒，等待结果（最长 --timeout），发送告警，并按最终状态打印和退出：可作为 cron 或 GitHub Actions 的保活任务
cli-help-cmd-report = 根据数据库生成静态网站，用于 GitHub Pages 或任何文件托管：index.html（状态页：判定、在线率、故障、操作；只读，不引用外部资源）、data.json（同样的内容，JSON 格式），加上 --space-pages 时每个 Space 一页。写入成功退出码为 0，无法读取数据库或无法写入文件为 1，配置有问题为 2
cli-help-cmd-restart = 立即重启一个 Space，如同有人提出请求（以操作者 cli 记录并审计；不受自动修复的上限约束），等待结果（最长 --timeout），发送告警，打印结果；Space 恢复时退出码为 0，未恢复为 1。守护进程占用数据库时会以退出码 2 拒绝：请改为向守护进程请求
cli-help-cmd-rebuild = 立即恢复出厂重建一个 Space（不使用构建缓存），其余与 restart 的重启相同
cli-help-cmd-healthcheck = 访问正在运行的守护进程的 /healthz（127.0.0.1:PORT），返回 200 时退出码为 0，否则为 1（容器的 HEALTHCHECK：镜像里没有 curl）
cli-help-cmd-doctor = 打印从环境变量、.env 和 SPACEWARDEN_CONFIG 读取到的配置（监控列表及每项的来源、读取到的别名、警告），然后检查配置，但不操作任何 Space：每个所有者的令牌（whoami）、聊天机器人、每个告警目标能否连通（只建立连接）以及数据库。没有会导致失败的问题时退出码为 0，否则为 1（包括会被拒绝运行的配置）
cli-help-cmd-hash-password = 从标准输入读取密码，打印其 argon2 哈希（PHC 字符串），用于 WEB_PASSWORD_HASH；与 WEB_USERNAME 一起开启页面登录
cli-help-cmd-test-alert = 通过发件箱向 DESTINATION（或所有已配置的目标）发送一条明确标注的测试告警，并逐个目标打印已送达或失败及原因。全部送达时退出码为 0，否则为 1，配置有问题为 2
cli-help-arg-check-json = 打印一个 JSON 数组（每个 Space 一个对象），而不是表格
cli-help-arg-check-space = 检查这个 Space（owner/name，或 owner/* 表示该所有者的全部 Space），代替配置的监控列表。可重复多次
cli-help-arg-check-repair = 然后像守护进程一样修复故障（重启、恢复出厂重建、放弃并告警；上限相同；以 cli 的名义记录），唤醒开启了保活的休眠 Space，等待结果，发送产生的告警（标准错误输出上的 ALERT 行、ALERT_WEBHOOK_URL、Telegram、Discord：只发送，不启动机器人），并按最终状态打印和退出。进度输出到标准错误
cli-help-arg-check-timeout = --repair 总共最多用多长时间，包括发送告警（例如 30m、1h30m、900）。届时仍在进行的修复由下次运行继续；未发出的告警留待下次发送。（默认：GLOBAL_TIMEOUT_SECONDS，否则 30m）
cli-help-arg-report-out = 把网站写入此目录（不存在时创建；替换之前报告的文件，其他文件不动）
cli-help-arg-report-space-pages = 同时为每个监控的 Space 写一页（space/OWNER/NAME.html，小写），从首页链接过去
cli-help-arg-report-lang = 网站使用的语言（en、zh-CN；zh、zh-Hans 等中文标签都算 zh-CN，没有对应文件的标签算 en）。（默认：SPACEWARDEN_LANG，否则 POSIX 语言环境）
cli-help-arg-action-space = 要操作的 Space（owner/name）。它不必在 SPACES 里：由命令行指定，与 check --space 相同
cli-help-arg-action-timeout = 最多等待结果多长时间，包括发送告警（例如 30m、1h30m、900）。届时仍在进行的修复交给下次运行或守护进程，它们会轮询继续。（默认：GLOBAL_TIMEOUT_SECONDS，否则 30m）
cli-help-arg-test-alert-destination = 一个目标（slack、email、telegram:<聊天 id> 等）；省略时发往除日志外所有已配置的目标
cli-help-environment =
    配置来自环境变量（工作目录中有 .env 文件时也会读取）：
      HF_TOKEN              没有自己令牌的所有者使用的 Hub 令牌（别名：HF_API_TOKEN）
      HF_USER               owner:token,owner2:token2（令牌为空：使用 HF_TOKEN）
      SPACES                逗号分隔的 owner/name 或 owner/*
      SPACE_LIST, USERNAME  迁移用：SPACE_LIST 中只有名字的项以 USERNAME 为所有者
      HF_USERNAMES          迁移用，SPACES 未设置时：所有者列表，每个按 owner/* 监控
      REPO_ID               迁移用（保活工作流）：向监控列表添加一个 owner/name
      HF_ENDPOINT           Hub 地址（默认：https://huggingface.co）
      HF_SPACES_API_URL     实时指标的主机（默认：https://api.hf.space）
      HF_APP_URL_TEMPLATE   应用的访问地址（默认：https://{"{"}subdomain{"}"}.hf.space）
      HF_TIMEOUT            每个 Hub 请求的超时（默认：15s）
      CHECK_SCHEDULE        cron，5 个字段（分钟在前）或 6 个（秒在前）（默认：*/5 * * * *）
      DATABASE_URL          数据库（默认：sqlite://spacewarden.db）
      SPACEWARDEN_CONFIG    每个 Space 探测设置的 TOML 文件
      GLOBAL_TIMEOUT_SECONDS  check --repair、restart 和 rebuild 的默认 --timeout（默认：1800）
      RUST_LOG              日志过滤（默认：info）
    聊天、告警和 HTTP 的设置（TELEGRAM_*、DISCORD_*、ALERT_WEBHOOK_URL，告警渠道
    DINGTALK_*、FEISHU_*、WECOM_*、SERVERCHAN_*、PUSHPLUS_*、BARK_*、NTFY_*、GOTIFY_*，API_KEY、
    PORT、WEB_USERNAME、WEB_PASSWORD_HASH、TRUSTED_PROXIES、WEB_LIVE_STREAMS）见 README；
    spacewarden doctor 会打印它们被理解成了什么。
# clap 自带的词（英文时由 clap 自己写）。
cli-help-usage = 用法：
cli-help-heading-commands = 命令
cli-help-heading-arguments = 参数
cli-help-heading-options = 选项
cli-help-value-command = 命令
cli-help-value-options = 选项
cli-help-value-duration = 时长
cli-help-value-dir = 目录
cli-help-value-tag = 语言标签
cli-help-value-destination = 目标
cli-help-flag-help = 打印帮助
cli-help-flag-version = 打印版本
cli-help-cmd-help = 打印本帮助，或指定子命令的帮助
cli-help-arg-help-command = 要打印帮助的子命令
# 命令行参数有误时 clap 的错误信息（英文时由 clap 自己写）。
cli-usage-error = 错误：
cli-usage-unknown-argument = 无法识别的参数 '{ $arg }'
cli-usage-unknown-subcommand = 无法识别的子命令 '{ $command }'
cli-usage-value-required = '{ $arg }' 需要一个值，但没有提供
cli-usage-invalid-value = '{ $arg }' 的值 '{ $value }' 无效
cli-usage-possible-values = 可选值：{ $values }
cli-usage-missing = 缺少以下必需的参数：
cli-usage-conflict = 参数 '{ $arg }' 不能与 { $other } 一起使用
cli-usage-repeated = 参数 '{ $arg }' 不能重复使用
cli-usage-unexpected-value = '{ $arg }' 多出了值 '{ $value }'，不需要更多的值
cli-usage-other = 命令行参数有误
cli-usage-similar = 提示：有相近的：{ $names }
cli-usage-more = 更多信息请运行 '{ $flag }'。
cli-usage-invalid-value-because = '{ $arg }' 的值 '{ $value }' 无效：{ $reason }
cli-bad-timeout = "{ $value }" 不是 1s 到 24h 之间的时长（例如 30m）
cli-bad-lang-tag = "{ $value }" 不是语言标签（例如 en、zh-CN）

## i18n-spaceid
space-id-not-owner-name = “{ $input }”不是“所有者/名称”的格式
space-id-dot-git = “{ $input }”：Space 名称不能以 .git 结尾
space-id-part-empty = “{ $input }”：{ $part }为空
space-id-part-too-long = “{ $input }”：{ $part }超过 96 个字符
space-id-part-bad-character = “{ $input }”：{ $part }含有“{ $bad }”（只允许字母、数字和 _ - .）
space-id-part-edges = “{ $input }”：{ $part }必须以字母、数字或 _ 开头和结尾
space-id-part-doubled = “{ $input }”：{ $part }不能包含 -- 或 ..
space-id-bad-owner = “{ $input }”：所有者“{ $owner }”无效
space-id-owner = 所有者
space-id-name = 名称

## scale-warm
# 守护进程启动后首次读取已存储的历史记录时（issue 25）：自动刷新的页面（503），以及
# JSON API 和 /metrics 在此期间的回答。
starting-title = 正在启动
starting-text = spacewarden 正在启动：正在读取 { $spaces } 个 Space 的历史记录。本页会自动刷新。
starting-text-unknown = spacewarden 正在启动：正在读取已存储的历史记录。本页会自动刷新。
starting-api = spacewarden 正在启动：正在读取已存储的历史记录，请几秒后重试

## metrics-plain
# /metrics 不带 gzip 的回答同时发送的数量已达上限。
metrics-busy = 正在发送的不带 gzip 的 /metrics 回答太多；请一秒后重试，或带上 Accept-Encoding: gzip 请求
