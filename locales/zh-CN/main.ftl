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
