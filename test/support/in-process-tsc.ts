// `tsc -p <tsconfig> --incremental` inside the test process, with the declaration files every build
// reads (TypeScript's lib, @types/node, TypeORM's...) parsed once per process instead of once per
// build. A scratch checkout is built several times per test (a build after each edit), each build a
// tsc process of about 3 s of CPU, most of it reading the same declarations again: 52 builds took
// 165 s of CPU in a run of the suite. The program, its checks and its output are tsc's own: the
// compiler API with the options of the tsconfig, emitting what tsc emits and failing where it fails.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Parsed declaration files, by real path and language version. Only files under a node_modules
 * directory (TypeScript's lib is in one too), which no test edits; a scratch checkout reaches them
 * through a symlink, so their real paths are the same in every checkout.
 */
const declarations = new Map<string, ts.SourceFile>();

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};

/** Builds the project of `tsconfig` as `tsc -p tsconfig --incremental --tsBuildInfoFile buildInfo` does: exit status and output. */
export function compileProject(tsconfig: string, buildInfo: string): { status: number; output: string } {
  const configErrors: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    { incremental: true, tsBuildInfoFile: buildInfo },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d) },
  );
  if (!parsed) return { status: 1, output: ts.formatDiagnostics(configErrors, formatHost) };
  const host = ts.createIncrementalCompilerHost(parsed.options);
  const readSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const real = fs.existsSync(fileName) ? fs.realpathSync(fileName) : fileName;
    if (!real.includes(`${path.sep}node_modules${path.sep}`)) return readSourceFile(fileName, languageVersion, onError, shouldCreate);
    const key = `${real}\0${JSON.stringify(languageVersion)}`;
    let file = declarations.get(key);
    if (!file) {
      file = readSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) declarations.set(key, file);
    }
    return file;
  };
  const program = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    projectReferences: parsed.projectReferences,
    host,
  });
  // tsc's order: configuration and options, syntax, then (only if those are clean) semantics.
  const diagnostics: ts.Diagnostic[] = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (diagnostics.length === 0) {
    diagnostics.push(...program.getSyntacticDiagnostics());
    if (diagnostics.length === 0) diagnostics.push(...program.getSemanticDiagnostics());
  }
  const emitted = program.emit();
  diagnostics.push(...emitted.diagnostics);
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  return { status: errors.length > 0 || emitted.emitSkipped ? 2 : 0, output: ts.formatDiagnostics(diagnostics, formatHost) };
}
