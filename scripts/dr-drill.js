#!/usr/bin/env node
// `make dr-drill`: the DR drill's scenarios over the lifecycle simulator (engine/lifecycle/),
// run from the JavaScript scripts/build-js.js writes to bin/.
const { main } = require("../bin/engine/lifecycle/drill.js");
main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
