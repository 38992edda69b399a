// An AMQP 1.0 listener on loopback that answers what the Event Hubs SDKs
// ask for to read hub and partition properties: SASL ANONYMOUS, the $cbs
// put-token request and the $management node's READ operations for
// com.microsoft:eventhub and com.microsoft:partition. Built on rhea.
//
// argv[2] is a JSON object {"keyName": "...", "key": "..."}: when key is set,
// tokens must be SharedAccessSignature tokens signed with it, as the
// service checks them; otherwise the request gets 401.
//
// stdout: first {"listening": <port>}, then one {"id": n, ...} reply per
// control request. stdin: one JSON control request per line:
//   {"id": n, "op": "hub", "name": h, "partitions": [{"id","begin","last"}], "createdAt": ms}
//   {"id": n, "op": "partition", "hub": h, "partition": p, "begin": b, "last": l}
//   {"id": n, "op": "delete", "name": h}
//   {"id": n, "op": "counts"}
'use strict';

const rhea = require('rhea');
const crypto = require('crypto');
const readline = require('readline');
const types = rhea.types;

const cfg = JSON.parse(process.argv[2] || '{}');
const hubs = new Map(); // name -> {createdAt, partitions: Map(id -> {begin, last, time})}
const counts = {cbs: 0, eventhub: 0, partition: 0, denied: 0};

function reply(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }

// checkToken verifies a SharedAccessSignature token as the service would:
// HMAC-SHA256 with the key over "<sr>\n<se>", key name and expiry.
function checkToken(token) {
  if (!cfg.key) return null;
  if (typeof token !== 'string' || !token.startsWith('SharedAccessSignature ')) return 'token is not a SharedAccessSignature';
  const fields = {};
  for (const part of token.slice('SharedAccessSignature '.length).split('&')) {
    const i = part.indexOf('=');
    if (i > 0) fields[part.slice(0, i)] = part.slice(i + 1);
  }
  if (fields.skn !== cfg.keyName) return 'unknown key name';
  if (!(Number(fields.se) * 1000 > Date.now())) return 'token expired';
  const want = crypto.createHmac('sha256', cfg.key).update(fields.sr + '\n' + fields.se).digest('base64');
  let got;
  try { got = decodeURIComponent(fields.sig || ''); } catch (e) { return 'malformed signature'; }
  const a = Buffer.from(want), b = Buffer.from(got);
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return 'InvalidSignature: the token has an invalid signature';
  return null;
}

function partitionBody(hub, id, p) {
  const empty = p.last < p.begin || p.last < 0;
  return {
    name: hub,
    partition: id,
    begin_sequence_number: types.wrap_long(p.begin),
    last_enqueued_sequence_number: types.wrap_long(p.last),
    last_enqueued_offset: String(Math.max(p.last, 0) * 100),
    last_enqueued_time_utc: types.wrap_timestamp(p.time),
    is_partition_empty: empty,
  };
}

// handle answers one request; it returns [status, description, body].
function handle(node, req) {
  const props = req.application_properties || {};
  if (node === '$cbs') {
    counts.cbs++;
    if (props.operation !== 'put-token') return [400, 'unknown operation', null];
    const err = checkToken(req.body);
    if (err) { counts.denied++; return [401, err, null]; }
    return [202, 'Accepted', null];
  }
  if (props.operation !== 'READ') return [400, 'unknown operation', null];
  const err = checkToken(props.security_token);
  if (err) { counts.denied++; return [401, err, null]; }
  const hub = hubs.get(props.name);
  if (!hub) return [404, 'The messaging entity could not be found', null];
  if (props.type === 'com.microsoft:eventhub') {
    counts.eventhub++;
    return [200, 'OK', {
      name: props.name,
      created_at: types.wrap_timestamp(hub.createdAt),
      partition_count: types.wrap_int(hub.partitions.size),
      partition_ids: types.wrap_array([...hub.partitions.keys()], 0xb1),
      georeplication_factor: types.wrap_int(1),
    }];
  }
  if (props.type === 'com.microsoft:partition') {
    counts.partition++;
    const p = hub.partitions.get(props.partition);
    if (!p) return [404, 'The partition could not be found', null];
    return [200, 'OK', partitionBody(props.name, props.partition, p)];
  }
  return [400, 'unknown type', null];
}

// matchAttach answers an attach with the terminus and settlement modes the
// client asked for, as the service does for its management links.
function matchAttach(link) {
  const remote = link.remote.attach;
  link.local.attach.snd_settle_mode = remote.snd_settle_mode;
  link.local.attach.rcv_settle_mode = remote.rcv_settle_mode;
  if (link.is_receiver()) link.set_target(remote.target);
  else link.set_source(remote.source);
}

const container = rhea.create_container({id: 'sluice-eventhubs-peer'});
container.on('receiver_open', (ctx) => matchAttach(ctx.receiver));
container.on('sender_open', (ctx) => matchAttach(ctx.sender));
container.on('message', (ctx) => {
  const node = ctx.receiver.target && ctx.receiver.target.address;
  const req = ctx.message;
  const [status, description, body] = handle(node, req);
  const to = req.reply_to;
  const sender = ctx.connection.find_sender((s) => s.remote.attach && s.remote.attach.target && s.remote.attach.target.address === to);
  if (!sender) return;
  const res = {
    correlation_id: req.message_id,
    application_properties: {'status-code': types.wrap_int(status), 'status-description': description},
  };
  if (body !== null) res.body = body;
  sender.send(res);
});
container.on('error', () => {});
container.on('disconnected', () => {});

const server = container.listen({port: 0, host: '127.0.0.1', tcp_no_delay: true});
server.on('listening', () => reply({listening: server.address().port}));
server.on('error', (e) => { process.stderr.write(String(e) + '\n'); process.exit(1); });

function setPartition(hub, id, begin, last) {
  hub.partitions.set(String(id), {begin: Number(begin), last: Number(last), time: Date.now()});
}

const rl = readline.createInterface({input: process.stdin});
rl.on('line', (line) => {
  let req;
  try { req = JSON.parse(line); } catch (e) { reply({id: -1, error: 'bad json'}); return; }
  try {
    switch (req.op) {
    case 'hub': {
      const hub = {createdAt: req.createdAt || Date.now(), partitions: new Map()};
      for (const p of req.partitions || []) setPartition(hub, p.id, p.begin, p.last);
      hubs.set(req.name, hub);
      break;
    }
    case 'partition': {
      const hub = hubs.get(req.hub);
      if (!hub) throw new Error('no hub ' + req.hub);
      if (!hub.partitions.has(String(req.partition))) throw new Error('no partition ' + req.partition);
      setPartition(hub, req.partition, req.begin, req.last);
      break;
    }
    case 'delete':
      hubs.delete(req.name);
      break;
    case 'counts':
      reply({id: req.id, ok: true, counts: counts});
      return;
    default:
      throw new Error('unknown op ' + req.op);
    }
    reply({id: req.id, ok: true});
  } catch (e) {
    reply({id: req.id, error: String(e.message || e)});
  }
});
rl.on('close', () => process.exit(0));
