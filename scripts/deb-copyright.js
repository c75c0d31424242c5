// The .deb's /usr/share/doc/<package>/copyright, in Debian's machine-readable format (DEP-5), written at
// pack time from the tree the package installs, so it lists what ships and nothing else: the tool
// (Apache-2.0), the Node.js binary it bundles, with the licence that binary came with, and each npm
// package under node_modules, with the name, version and licence its package.json declares and the
// licence text the package itself ships (its LICENSE, LICENCE or COPYING files, copyright notices
// included). A package that ships no licence text gets the standard text of its licence, which this
// file holds for the licences found so; a package under any other licence without a text of its own
// stops the build rather than shipping an incomplete copyright file.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { packageDirs } = require('./ship-tree');

const FORMAT = 'https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/';

/** SPDX identifiers as DEP-5 names them where they differ (DEP-5 calls MIT "Expat"). */
const DEP5_NAMES = { MIT: 'Expat' };

/** Licences Debian ships in /usr/share/common-licenses: referred to, not copied. */
const COMMON_LICENSES = new Set(fs.existsSync('/usr/share/common-licenses') ? fs.readdirSync('/usr/share/common-licenses') : ['Apache-2.0']);

const EXPAT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.`;

/**
 * Debian asks for /usr/share/common-licenses/Apache-2.0 to be referred to, not copied (lintian's error
 * copyright-file-contains-full-apache-2-license): the terms of every copy are replaced by the reference;
 * the notices around them stay.
 */
const APACHE_2_TERMS = /^[ \t]*Apache License\s*\n\s*Version 2\.0, January 2004\s*\n[\s\S]*?END OF TERMS AND CONDITIONS[ \t]*$/gm;
const APACHE_2_REFERENCE = '[The terms of the Apache License, Version 2.0; on Debian systems in /usr/share/common-licenses/Apache-2.0.]';

function referToCommonLicenses(text, what) {
  const out = text.replace(APACHE_2_TERMS, APACHE_2_REFERENCE);
  if (/TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/.test(out)) {
    throw new Error(`${what}: a copy of the Apache License 2.0 that scripts/deb-copyright.js does not recognise`);
  }
  return out;
}

/** Standard texts, for the packages that ship none of their own. */
const STANDARD_TEXTS = { Expat: EXPAT };

function dep5Name(spdx) {
  return spdx
    .replace(/^\((.*)\)$/, '$1')
    .split(/\s+(OR|AND)\s+/)
    .map((part) => (part === 'OR' ? 'or' : part === 'AND' ? 'and' : DEP5_NAMES[part] ?? part))
    .join(' ');
}

function declaredLicense(pjson) {
  if (typeof pjson.license === 'string') return pjson.license;
  if (pjson.license?.type) return pjson.license.type;
  if (Array.isArray(pjson.licenses)) return pjson.licenses.map((l) => l.type ?? l).join(' OR ');
  return undefined;
}

/** A text as a DEP-5 field continuation: each line indented by one space, empty lines as " .". */
function continuation(text) {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? ' .' : ` ${line.trimEnd()}`))
    .join('\n');
}

function copyrightLines(text) {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^(copyright\b|\(c\)|©)/i.test(l) && /\d{4}|©|\(c\)/i.test(l));
  return [...new Set(lines.map((l) => l.replace(/^copyright\s*(\(c\)|©)?\s*/i, '').trim()))].filter(Boolean);
}

function author(pjson) {
  const a = pjson.author;
  const name = typeof a === 'string' ? a.replace(/\s*[<(].*$/, '') : a?.name;
  return name?.trim() || undefined;
}

/** One paragraph per npm package under node_modules. */
function packageParagraphs(lib, pathInPackage) {
  const paragraphs = [];
  const missing = [];
  for (const dir of packageDirs(path.join(lib, 'node_modules')).sort()) {
    const pjson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const spdx = declaredLicense(pjson);
    const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f) && fs.statSync(path.join(dir, f)).isFile()).sort();
    const texts = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const name = spdx ? dep5Name(spdx) : undefined;
    let text;
    if (texts.length) text = referToCommonLicenses(texts.join('\n\n'), `${pjson.name}'s ${files.join(', ')}`);
    else if (name && STANDARD_TEXTS[name]) text = STANDARD_TEXTS[name];
    else if (name && COMMON_LICENSES.has(name)) text = `On Debian systems, the full text of this licence is in /usr/share/common-licenses/${name}.`;
    else missing.push(`${pjson.name}@${pjson.version} (${spdx ?? 'no licence declared'})`);
    const holders = copyrightLines(texts.join('\n'));
    const rel = path.relative(lib, dir);
    paragraphs.push(
      [
        `Files: ${pathInPackage}/${rel}/*`,
        `Copyright: ${holders.length ? holders.join('\n ') : `the ${pjson.name} authors${author(pjson) ? ` (${author(pjson)})` : ''}`}`,
        `License: ${name ?? 'UNKNOWN'}`,
        text ? continuation(text) : undefined,
        `Comment: ${pjson.name} ${pjson.version}; package.json declares the licence ${spdx ?? '(none)'}` +
          (files.length ? `; the text is the package's ${files.join(', ')}.` : '; the package ships no licence text.'),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  if (missing.length) throw new Error(`no licence text for ${missing.join(', ')}: add its standard text to scripts/deb-copyright.js`);
  return paragraphs;
}

/**
 * One paragraph per bundle the build made (dist/vendor/*.js, scripts/bundle-oclif.js): the npm packages
 * it holds, read from the `// node_modules/...` markers esbuild writes before each module, and their
 * licences. The same packages ship under node_modules too (their paragraphs hold the licence texts).
 */
function bundleParagraphs(lib, pathInPackage) {
  const dir = path.join(lib, 'dist', 'vendor');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((file) => {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const names = [...new Set([...source.matchAll(/^\/\/ node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)].map((m) => m[1]))].sort();
      const packages = names.map((name) => {
        const pjsonFile = path.join(lib, 'node_modules', name, 'package.json');
        if (!fs.existsSync(pjsonFile)) throw new Error(`dist/vendor/${file} holds ${name}, which the package does not ship under node_modules`);
        const pjson = JSON.parse(fs.readFileSync(pjsonFile, 'utf8'));
        return { label: `${pjson.name} ${pjson.version}`, license: dep5Name(declaredLicense(pjson) ?? 'UNKNOWN') };
      });
      const licenses = [...new Set(packages.map((p) => p.license))].sort();
      return [
        `Files: ${pathInPackage}/dist/vendor/${file}`,
        `Copyright: the authors of the packages named below`,
        `License: ${licenses.join(' and ')}`,
        continuation(`The licences of the packages it holds; their texts are in those packages' paragraphs (${pathInPackage}/node_modules/<name>/*).`),
        `Comment: one file built from ${packages.map((p) => `${p.label} (${p.license})`).join(', ')}.`,
      ].join('\n');
    });
}

/** The licence of the Node.js binary being bundled: its Debian package's copyright file, or the LICENSE of its release. */
function nodeLicense(execPath) {
  const owner = spawnSync('dpkg', ['-S', fs.realpathSync(execPath)], { encoding: 'utf8' });
  const candidates = [];
  let origin = execPath;
  if (owner.status === 0) {
    const pkg = owner.stdout.split(':')[0].trim();
    const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).stdout;
    candidates.push(`/usr/share/doc/${pkg}/copyright`);
    origin = `${execPath}, of the Debian package ${pkg} ${version}`;
  }
  candidates.push(path.join(path.dirname(fs.realpathSync(execPath)), '..', 'LICENSE'));
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no licence found for the bundled Node.js ${execPath} (looked for ${candidates.join(', ')})`);
  return { text: fs.readFileSync(file, 'utf8'), origin, file };
}

/**
 * The copyright file of the package whose tree is `lib` (its path in the package: `pathInPackage`,
 * e.g. usr/lib/watcher-db-manage). `pjson` is the tool's package.json.
 */
function copyrightFile({ lib, pathInPackage, pjson, execPath = process.execPath }) {
  const node = nodeLicense(execPath);
  const own = pjson.license;
  if (!COMMON_LICENSES.has(own)) throw new Error(`the tool's licence ${own} is not in /usr/share/common-licenses`);
  const header = [
    `Format: ${FORMAT}`,
    `Upstream-Name: ${pjson.name}`,
    ...(pjson.author ? [`Upstream-Contact: ${typeof pjson.author === 'string' ? pjson.author : pjson.author.name}`] : []),
    'Comment: Written when the package was built, from the files it installs: the tool,',
    ` the Node.js it bundles in /${pathInPackage}/bin/node and each npm package in`,
    ` /${pathInPackage}/node_modules, with the version and licence its package.json`,
    ' declares and the licence text it ships.',
  ].join('\n');
  const tool = [
    'Files: *',
    `Copyright: ${author(pjson) ?? `the ${pjson.name} authors`}`,
    `License: ${own}`,
    continuation(`On Debian systems, the full text of the ${own} licence is in /usr/share/common-licenses/${own}.`),
  ].join('\n');
  const nodeParagraph = [
    `Files: ${pathInPackage}/bin/node`,
    'Copyright: Node.js contributors, Joyent, Inc. and the authors of the libraries Node.js',
    ' includes (V8, libuv, OpenSSL, ICU, zlib, llhttp and others), as listed below',
    'License: Node.js',
    continuation(referToCommonLicenses(node.text, node.file)),
    `Comment: Node.js ${process.versions.node}, copied from ${node.origin}; the licence text is ${node.file}.`,
  ].join('\n');
  return [header, tool, nodeParagraph, ...bundleParagraphs(lib, pathInPackage), ...packageParagraphs(lib, pathInPackage)].join('\n\n') + '\n';
}

module.exports = { copyrightFile, dep5Name };
