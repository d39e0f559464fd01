// The node's data resource catalog as DCAT-AP 3 JSON-LD (GET /v1/catalog/dcat),
// read the way a harvester would: without signing in, and through a JSON-LD
// processor that has no network, so the context must be inline.
//
//   YW_BASE_URL=http://127.0.0.1:8080 node --test tests/web/dcat.test.mjs
//
// The node must hold the demo catalog (`yiwang demo`; run.py starts one). The
// checks are on the RDF the document means, not on its JSON layout, and know
// nothing of the node's address: the IRIs in the document are the node's own.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import jsonld from 'jsonld';

const BASE = process.env.YW_BASE_URL ? new URL(process.env.YW_BASE_URL.replace(/\/*$/, '/')) : null;
const url = (rel) => new URL(rel, BASE).href;

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const EU = 'http://publications.europa.eu/resource/authority/';
const ACCESS_RIGHTS = ['PUBLIC', 'RESTRICTED', 'NON_PUBLIC'].map((c) => `${EU}access-right/${c}`);
const NON_PUBLIC = `${EU}access-right/NON_PUBLIC`;
const MIN_DATASETS = 20; // the demo catalog has about 30 resources

// A documentLoader that refuses everything: any remote context would fail here.
async function offline(iri) {
  throw new Error(`the JSON-LD processor tried to load ${iri}: the context must be inline`);
}
const OPTIONS = { documentLoader: offline, safe: true }; // safe: no silently dropped terms

let res;
let body;
let quads;

before(async () => {
  assert.ok(BASE, 'set YW_BASE_URL to the base URL of a running yiwang node, e.g. http://127.0.0.1:8080');
  // No cookie, no Authorization: the catalog's metadata is public.
  res = await fetch(url('v1/catalog/dcat'), { headers: { Accept: 'application/ld+json' } });
  body = await res.text();
});

/** The document, once the node has answered 200 (so a missing route fails as such). */
function documentJSON() {
  assert.equal(res.status, 200, `GET v1/catalog/dcat: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

/** The document's RDF as quads, converted once. */
async function graph() {
  if (!quads) quads = await jsonld.toRDF(documentJSON(), OPTIONS);
  return quads;
}

const objects = (qs, s, p) => qs.filter((q) => q.subject.value === s && q.predicate.value === p)
  .map((q) => q.object);
const subjectsOfType = (qs, type) => [...new Set(qs
  .filter((q) => q.predicate.value === RDF_TYPE && q.object.value === type)
  .map((q) => q.subject.value))];

test('GET /v1/catalog/dcat without signing in: 200, application/ld+json', () => {
  assert.equal(res.status, 200, body.slice(0, 300));
  assert.match(res.headers.get('content-type') || '', /^application\/ld\+json\s*(;|$)/);
});

test('self-contained JSON-LD: expand and toRDF (N-Quads) succeed with no network', async () => {
  const doc = documentJSON();
  const ctx = doc['@context'];
  assert.ok(ctx && typeof ctx === 'object' && !Array.isArray(ctx), 'an inline @context object');
  const expanded = await jsonld.expand(doc, OPTIONS);
  assert.ok(expanded.length > 0, 'expansion yields nodes');
  const nquads = await jsonld.toRDF(doc, { ...OPTIONS, format: 'application/n-quads' });
  assert.equal(typeof nquads, 'string');
  assert.ok(nquads.split('\n').filter(Boolean).length > 100, 'a catalog worth of triples');
  assert.ok(nquads.includes(`<${RDF_TYPE}> <${DCAT}Catalog>`), 'N-Quads name a dcat:Catalog');
});

test(`one dcat:Catalog listing at least ${MIN_DATASETS} datasets`, async () => {
  const qs = await graph();
  const catalogs = subjectsOfType(qs, `${DCAT}Catalog`);
  assert.equal(catalogs.length, 1, 'exactly one catalog');
  const [catalog] = catalogs;
  for (const p of [`${DCT}title`, `${DCT}description`, `${DCT}publisher`]) {
    assert.ok(objects(qs, catalog, p).length > 0, `the catalog has ${p} (DCAT-AP mandatory)`);
  }
  const datasets = subjectsOfType(qs, `${DCAT}Dataset`);
  assert.ok(datasets.length >= MIN_DATASETS, `${datasets.length} datasets, want >= ${MIN_DATASETS}`);
  const listed = objects(qs, catalog, `${DCAT}dataset`).map((o) => o.value).sort();
  assert.deepEqual(listed, [...datasets].sort(), 'dcat:dataset lists every dataset and only those');
  assert.equal(objects(qs, catalog, `${DCAT}service`).length, 1, 'the exchange API as dcat:service');
});

test('every dataset has a zh-CN dct:title, a dct:identifier and a publisher with a name', async () => {
  const qs = await graph();
  for (const ds of subjectsOfType(qs, `${DCAT}Dataset`)) {
    const titles = objects(qs, ds, `${DCT}title`);
    assert.ok(titles.length >= 1, `${ds} has a dct:title`);
    for (const t of titles) {
      assert.equal(t.termType, 'Literal');
      assert.ok(t.value.trim().length > 0, `${ds}: empty title`);
      assert.equal(t.language.toLowerCase(), 'zh-cn', `${ds}: title language-tagged`);
    }
    assert.equal(objects(qs, ds, `${DCT}identifier`).length, 1, `${ds} has one dct:identifier`);
    const publishers = objects(qs, ds, `${DCT}publisher`);
    assert.equal(publishers.length, 1, `${ds} has one dct:publisher`);
    assert.ok(objects(qs, publishers[0].value, `${FOAF}name`).length > 0, `${ds}: publisher has foaf:name`);
  }
});

test('access rights and update frequencies come from the EU vocabularies', async () => {
  const qs = await graph();
  for (const ds of subjectsOfType(qs, `${DCAT}Dataset`)) {
    const rights = objects(qs, ds, `${DCT}accessRights`);
    assert.equal(rights.length, 1, `${ds} has one dct:accessRights`);
    assert.equal(rights[0].termType, 'NamedNode');
    assert.ok(ACCESS_RIGHTS.includes(rights[0].value), `${ds}: ${rights[0].value} not in the EU access-right NAL`);
    for (const f of objects(qs, ds, `${DCT}accrualPeriodicity`)) {
      assert.equal(f.termType, 'NamedNode');
      assert.match(f.value, /^http:\/\/publications\.europa\.eu\/resource\/authority\/frequency\/[A-Z0-9_]+$/);
    }
  }
  const all = qs.filter((q) => q.predicate.value === `${DCT}accessRights`).map((q) => q.object.value);
  for (const v of all) assert.ok(ACCESS_RIGHTS.includes(v), `${v} not in the EU access-right NAL`);
});

test('不予共享 datasets show no description, distribution or fields, and are not served', async () => {
  const qs = await graph();
  const datasets = subjectsOfType(qs, `${DCAT}Dataset`);
  const hidden = datasets.filter((ds) => objects(qs, ds, `${DCT}accessRights`)[0]?.value === NON_PUBLIC);
  const shared = datasets.filter((ds) => !hidden.includes(ds));
  assert.ok(shared.length > 0, 'some datasets are shared');
  for (const ds of hidden) {
    const predicates = new Set(qs.filter((q) => q.subject.value === ds).map((q) => q.predicate.value));
    assert.deepEqual([...predicates].sort(), [RDF_TYPE, `${DCT}accessRights`, `${DCT}identifier`,
      `${DCT}publisher`, `${DCT}title`].sort(), `${ds} (不予共享) shows only what it may`);
  }
  for (const ds of shared) {
    assert.ok(objects(qs, ds, `${DCT}description`).length > 0, `${ds} has a dct:description`);
    const dists = objects(qs, ds, `${DCAT}distribution`);
    assert.equal(dists.length, 1, `${ds} has one distribution`);
    assert.equal(objects(qs, dists[0].value, `${DCAT}accessURL`).length, 1, `${ds}: distribution has dcat:accessURL`);
  }
  const services = subjectsOfType(qs, `${DCAT}DataService`);
  assert.equal(services.length, 1, 'one dcat:DataService');
  const [svc] = services;
  assert.equal(objects(qs, svc, `${DCAT}endpointURL`).length, 1, 'the service has dcat:endpointURL');
  assert.ok(objects(qs, svc, `${DCT}title`).length > 0, 'the service has dct:title');
  const served = objects(qs, svc, `${DCAT}servesDataset`).map((o) => o.value).sort();
  assert.deepEqual(served, [...shared].sort(), 'the exchange serves exactly the shared datasets');
});

test('no personal data: no identity card numbers or mobile phone numbers anywhere', async () => {
  documentJSON();
  // GB 11643 identity numbers: 17 digits and a digit or X check character.
  assert.doesNotMatch(body, /\d{17}[\dX]/, 'something that looks like an identity number');
  assert.doesNotMatch(body, /(?<!\d)1[3-9]\d{9}(?!\d)/, 'something that looks like a mobile number');
  const nquads = await jsonld.toRDF(documentJSON(), { ...OPTIONS, format: 'application/n-quads' });
  assert.doesNotMatch(nquads, /\d{17}[\dX]/);
});
