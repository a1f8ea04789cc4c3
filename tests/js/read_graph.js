#!/usr/bin/env node
// Read a GraphML or GEXF file with graphology's parsers (what Gephi Lite uses)
// and print a JSON summary: counts, graph type, and every node's and edge's
// attributes.  Usage: node read_graph.js graphml|gexf FILE
'use strict';
const fs = require('fs');
const Graph = require('graphology');
const graphml = require('graphology-graphml');
const gexf = require('graphology-gexf');

const [fmt, file] = process.argv.slice(2);
if (!fmt || !file) {
  console.error('usage: node read_graph.js graphml|gexf FILE');
  process.exit(2);
}
const text = fs.readFileSync(file, 'utf8');
const parser = fmt === 'gexf' ? gexf : graphml;
const graph = parser.parse(Graph.MultiGraph || Graph, text, {addMissingNodes: false});
const nodes = {};
graph.forEachNode((key, attrs) => { nodes[key] = attrs; });
const edges = {};
graph.forEachEdge((key, attrs, source, target) => {
  edges[key] = {source, target, attrs};
});
process.stdout.write(JSON.stringify({
  type: graph.type,
  multi: graph.multi,
  order: graph.order,
  size: graph.size,
  graph: graph.getAttributes(),
  nodes,
  edges,
}));
