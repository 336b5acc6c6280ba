// Validates Kubernetes manifests (the multi-document YAML `kubectl kustomize` prints, on stdin) against the API
// schemas shipped in the kubernetes-models package; exits 1 naming each invalid document. Run by deploy/kubernetes-test.
"use strict";
const { parseAllDocuments } = require("yaml");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk)).on("end", () => {
  let valid = 0;
  let invalid = 0;
  for (const document of parseAllDocuments(input)) {
    const object = document.toJS();
    if (!object) continue;
    const name = `${object.kind}/${object.metadata && object.metadata.name}`;
    const apiVersion = String(object.apiVersion);
    // core types (apiVersion "v1") live in kubernetes-models/v1, the others under their group/version
    const path = apiVersion.includes("/") ? apiVersion : "v1";
    let Model;
    try {
      Model = require(`kubernetes-models/${path}/${object.kind}`)[object.kind];
    } catch (e) {
      console.error(`${name}: no schema for ${apiVersion} ${object.kind}`);
      invalid++;
      continue;
    }
    try {
      new Model(object).validate();
      valid++;
    } catch (e) {
      console.error(`${name}: ${e.message}`);
      invalid++;
    }
  }
  console.log(`${valid} valid, ${invalid} invalid`);
  process.exit(invalid === 0 && valid > 0 ? 0 : 1);
});
