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

banner-attention = { $count ->
   *[other] { $count } 个 Space 需要处理
}
