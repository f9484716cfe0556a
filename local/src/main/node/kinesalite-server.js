// Starts kinesalite in memory on 127.0.0.1 only (its CLI cannot choose the address) and exits with its parent.
'use strict';
const kinesalite = require('kinesalite');

const port = Number(process.argv[2]);
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  // the port it got: with 0 the system picks a free one, and only this line tells the JVM which
  console.log('kinesalite listening on 127.0.0.1:' + server.address().port);
});
// The JVM holds our stdin: when it goes away, so do we, leaving no orphan behind.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
