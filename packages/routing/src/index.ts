export { RouteError, isRouteError, type RouteErrorCode } from './errors.js';
export {
  type RouteType,
  ROUTE_TYPES,
  ROUTE_TYPE_NUMBERS,
  routeTypeOf,
  isRouteType,
  defaultTableFor,
  defaultScopeFor,
  TABLE_UNSPEC,
  TABLE_COMPAT,
  TABLE_DEFAULT,
  TABLE_MAIN,
  TABLE_LOCAL,
  SCOPE_UNIVERSE,
  SCOPE_SITE,
  SCOPE_LINK,
  SCOPE_HOST,
  SCOPE_NOWHERE,
  PROTO_UNSPEC,
  PROTO_KERNEL,
  PROTO_BOOT,
  PROTO_STATIC,
  PROTO_BGP,
  protocolName,
  scopeName,
  tableName,
  parseProtocol,
  parseScope,
  parseTable,
} from './names.js';
export type { NextHop, Route, NextHopInput, RouteInput, RouteMatch } from './route.js';
export { Interfaces } from './interfaces.js';
export { NextHopTable, type NextHopEntry } from './nexthops.js';
export { flowHash, type Flow } from './flow-hash.js';
export { Fib, maskAddress } from './fib.js';
export { PrefixMap } from './prefix-map.js';
export {
  Rib,
  type RibOptions,
  type RouteEvent,
  type RouteListener,
  type InterfaceAddress,
  type LookupResult,
  type RouteGetOptions,
  type RouteGetResult,
  type RouteGetError,
} from './rib.js';
export {
  parseRoute,
  formatRoute,
  formatRoutes,
  loadRoutes,
  RouteLoader,
  type ParseRouteOptions,
  type FormatRouteOptions,
  type LoadRoutesOptions,
  type LoadResult,
} from './route-text.js';
export { formatRouteGet, routeGetLine, routeGetStream } from './route-get.js';
