/** Gateway setup (exchucutil.ps1 done right): what other features may use of it. */
export { GatewaySetupView } from './gateway-setup-view';
