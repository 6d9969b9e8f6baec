import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { specPaths } from '@wrrk/chatwoot/spec-paths.ts';

/**
 * Chatwoot's published OpenAPI description (plus the supplement for undocumented endpoints)
 * as an executable contract: finds the operation a request targets and validates its path and
 * query parameters, its JSON body, and the JSON answer, with a JSON Schema 2020-12 validator.
 * The test double runs every exchange through it, so it cannot drift from the real API.
 */

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface ContractOperation {
  docId: string;
  method: string;
  template: string;
  operationId: string;
  security: string[];
  match: RegExp;
  pathNames: string[];
  parameters: Parameter[];
  bodyPointer: string | null;
  bodyRequired: boolean;
  responses: Record<string, string | null>;
}

export interface Violation {
  operation: string;
  where: string;
  errors: string[];
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function resolvePointer(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json>((node, key) => node[key] as Json, doc);
}

const deref = <T>(doc: Json, node: unknown): T => {
  const ref = (node as { $ref?: string })?.$ref;
  return (ref ? resolvePointer(doc, ref) : node) as T;
};

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
}

export interface OpenApiContract {
  find(method: string, path: string): { operation: ContractOperation; pathParams: Record<string, string> } | null;
  validateRequest(operation: ContractOperation, input: { pathParams: Record<string, string>; query: URLSearchParams; body: unknown; hasBody: boolean }): string[];
  validateResponse(operation: ContractOperation, status: number, body: unknown): string[];
  operations: ContractOperation[];
}

export function loadOpenApiContract(documents: Array<{ id: string; doc: Json }>): OpenApiContract {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const operations: ContractOperation[] = [];
  for (const { id, doc } of documents) {
    ajv.addSchema(doc, id);
    for (const [template, rawItem] of Object.entries((doc['paths'] ?? {}) as Record<string, Json>)) {
      const item = deref<Json>(doc, rawItem);
      const shared = ((item['parameters'] as unknown[]) ?? []).map((p) => deref<Parameter>(doc, p));
      const pathNames: string[] = [];
      const match = new RegExp(`^${template.replace(/\/+$/, '').replace(/\{([^}]+)\}/g, (_m, name: string) => (pathNames.push(name), '([^/]+)'))}/?$`);
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const own = ((op['parameters'] as unknown[]) ?? []).map((p) => deref<Parameter>(doc, p));
        const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
        const requestBody = deref<Json | undefined>(doc, op['requestBody']);
        const jsonBody = (requestBody?.['content'] as Json | undefined)?.['application/json'] as Json | undefined;
        const base = `/paths/${escapePointer(template)}/${method}`;
        const responses: Record<string, string | null> = {};
        for (const [status, rawResponse] of Object.entries((op['responses'] ?? {}) as Json)) {
          const response = deref<Json>(doc, rawResponse);
          const json = (response?.['content'] as Json | undefined)?.['application/json'] as Json | undefined;
          responses[status] = json?.['schema'] ? `${id}#${base}/responses/${escapePointer(status)}/content/application~1json/schema` : null;
        }
        operations.push({
          docId: id,
          method: method.toUpperCase(),
          template,
          operationId: String(op['operationId'] ?? `${method} ${template}`),
          security: ((op['security'] as Array<Record<string, unknown>>) ?? []).flatMap((s) => Object.keys(s)),
          match,
          pathNames,
          parameters,
          bodyPointer: jsonBody?.['schema'] ? `${id}#${base}/requestBody/content/application~1json/schema` : null,
          bodyRequired: Boolean(requestBody?.['required']),
          responses,
        });
      }
    }
  }

  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (ref: string) => {
    let fn = compiled.get(ref);
    if (!fn) {
      fn = ajv.compile({ $ref: ref });
      compiled.set(ref, fn);
    }
    return fn;
  };
  const inlineValidator = (schema: Json) => {
    const key = JSON.stringify(schema);
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile(schema);
      compiled.set(key, fn);
    }
    return fn;
  };

  // Path and query values arrive as strings; coerce the way Rails' params would be read.
  const coerce = (value: string, schema: Json | undefined): unknown => {
    const type = schema?.['type'];
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  };

  return {
    operations,
    find(method, path) {
      const upper = method.toUpperCase();
      // Earlier documents win: the supplement is listed first where it corrects a published entry.
      for (const operation of operations) {
        if (operation.method !== upper) continue;
        const m = operation.match.exec(path);
        if (!m) continue;
        return { operation, pathParams: Object.fromEntries(operation.pathNames.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
      }
      return null;
    },
    validateRequest(operation, input) {
      const errors: string[] = [];
      for (const parameter of operation.parameters) {
        if (parameter.in === 'header' || parameter.in === 'cookie') continue;
        const schema = parameter.schema ?? {};
        let value: unknown;
        if (parameter.in === 'path') value = input.pathParams[parameter.name] === undefined ? undefined : coerce(input.pathParams[parameter.name]!, schema);
        else if (schema['type'] === 'array') {
          const all = [...input.query.getAll(parameter.name), ...input.query.getAll(`${parameter.name}[]`)];
          value = all.length ? all.map((v) => coerce(v, schema['items'] as Json)) : undefined;
        } else value = input.query.has(parameter.name) ? coerce(input.query.get(parameter.name)!, schema) : undefined;
        if (value === undefined) {
          if (parameter.required || parameter.in === 'path') errors.push(`${parameter.in} parameter ${parameter.name} is required`);
          continue;
        }
        const validate = inlineValidator(schema);
        if (!validate(value)) errors.push(...formatErrors(validate.errors).map((e) => `${parameter.in} ${parameter.name}: ${e}`));
      }
      const documented = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
      for (const name of new Set(input.query.keys())) {
        if (!documented.has(name.replace(/\[\]$/, ''))) errors.push(`query parameter ${name} is not in the contract`);
      }
      if (operation.bodyPointer) {
        if (!input.hasBody) {
          if (operation.bodyRequired) errors.push('a JSON body is required');
        } else {
          const validate = validatorFor(operation.bodyPointer);
          if (!validate(input.body)) errors.push(...formatErrors(validate.errors).map((e) => `body ${e}`));
        }
      } else if (input.hasBody) errors.push('the contract defines no JSON body for this operation');
      return errors;
    },
    validateResponse(operation, status, body) {
      const pointer = operation.responses[String(status)];
      if (pointer === undefined) return [`status ${status} is not documented for ${operation.operationId}`];
      if (pointer === null) return [];
      const validate = validatorFor(pointer);
      return validate(body) ? [] : formatErrors(validate.errors).map((e) => `response ${status} ${e}`);
    },
  };
}

let chatwootContract: OpenApiContract | undefined;

/** Chatwoot v4.15.1's Application and Platform APIs, with the supplement taking precedence. */
export function loadChatwootContract(): OpenApiContract {
  if (!chatwootContract) {
    const paths = specPaths();
    const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Json;
    chatwootContract = loadOpenApiContract([
      { id: 'chatwoot-supplement', doc: read(paths.supplement) },
      { id: 'chatwoot-application', doc: read(paths.application) },
      { id: 'chatwoot-platform', doc: read(paths.platform) },
    ]);
  }
  return chatwootContract;
}
