// Per module (not on /app itself, whose landing redirect must stay a server redirect).
export { ModuleLoading as default } from '../../../components/module-loading';
