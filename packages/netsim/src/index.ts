export { type Scheduler, type ScheduleOptions, type TimerHandle, VirtualScheduler } from './scheduler.js';
export { RealTimeScheduler } from './real-time.js';
export { seededRandom } from './random.js';
export { Network, type NetworkOptions } from './network.js';
export { Host, HostInterface, type HostOptions, type InterfaceOptions, type HostCounters } from './host.js';
export { Link, LinkEnd, type FramePort, type LinkOptions, type LinkStats } from './link.js';
export { BridgeDevice, BridgePort, type BridgeSlave } from './bridge-device.js';
export { VxlanDevice, hostUnderlay, type VxlanUnderlay, type VxlanDeviceOptions, type VxlanCounters } from './vxlan-device.js';
export { UdpSocket, type RemoteInfo, type MessageListener } from './udp-socket.js';
export {
  type PingOptions,
  type PingReply,
  type PingError,
  type PingResult,
  formatPingHeader,
  formatPingReply,
  formatPingError,
  formatPingSummary,
} from './ping.js';
export { Capture, type CapturedFrame } from './capture.js';
export { vxlanLab, hostGwLab, VXLAN_LAB_VNI, VXLAN_LAB_PORT, type Lab, type LabOptions, type Machine } from './labs.js';
export {
  runWalkthrough,
  SCENARIOS,
  type Scenario,
  type WalkthroughOptions,
  type WalkthroughResult,
} from './walkthrough.js';
export { UdpUnderlay, type UdpUnderlayOptions } from './udp-underlay.js';
export {
  buildTopology,
  type TopologySpec,
  type Topology,
  type HostSpec,
  type InterfaceSpec,
  type LinkSpec,
  type VxlanSpec,
} from './topology.js';
