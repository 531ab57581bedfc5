using System;
using System.Collections.Generic;
using System.IO;
using AsyncProf.Shared;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.IO
{
    /// <summary>
    /// Reading an assembly and its symbols fully into memory (so the output may replace the input), and writing it
    /// back with symbols in the format they were read in, atomically: temp files in the target folder, then renamed
    /// over the targets, so a failure never leaves a half-written file.
    /// </summary>
    internal static class AssemblyFile
    {
        public static ModuleDefinition Read(string path, WeaverSettings settings, IWeaverLog log)
        {
            if (!File.Exists(path))
                throw new WeavingException(path + ": file not found");

            byte[] image;
            try { image = File.ReadAllBytes(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            { throw new WeavingException(path + ": cannot read: " + e.Message, e); }

            var pdbPath = Path.ChangeExtension(path, ".pdb");
            var pdb = File.Exists(pdbPath) ? TryReadAllBytes(pdbPath) : null;
            ModuleDefinition module;
            try
            {
                module = ReadModule(image, pdb, path, settings, readSymbols: true);
            }
            catch (Exception e) when (!(e is WeavingException))
            {
                // Symbols are a bonus: a corrupt or foreign pdb must not stop weaving.
                module = ReadWithoutSymbols(image, path, settings);
                log.Warning("cannot read its symbols (" + SymbolProblem(e) + "); writing without them: stack traces lose line numbers", path);
                return module;
            }
            LoadCode(module, path);
            try
            {
                ModulePreloader.LoadSymbols(module);
            }
            catch (ModulePreloader.DamagedPart e)
            {
                Dispose(module);
                module = ReadWithoutSymbols(image, path, settings);
                log.Warning("cannot read its symbols (" + SymbolProblem(e.InnerException ?? e) + "); writing without them: stack traces lose line numbers", path);
                return module;
            }
            if (pdb != null && !module.HasSymbols)
                log.Warning("does not match " + Path.GetFileName(path) + "; writing without symbols: stack traces lose line numbers", pdbPath);
            return module;
        }

        static ModuleDefinition ReadWithoutSymbols(byte[] image, string path, WeaverSettings settings)
        {
            ModuleDefinition module;
            try { module = ReadModule(image, null, path, settings, readSymbols: false); }
            catch (Exception inner) when (!(inner is WeavingException))
            {
                throw new WeavingException(path + ": " + DamageMessages.Unreadable(inner), inner);
            }
            LoadCode(module, path);
            return module;
        }

        /// <summary>Reads every lazily read part now: damage found later would pass for a weaver bug.</summary>
        static void LoadCode(ModuleDefinition module, string path)
        {
            try
            {
                ModulePreloader.LoadCode(module);
            }
            catch (ModulePreloader.DamagedPart e)
            {
                Dispose(module);
                throw new WeavingException(path + ": damaged metadata: its " + e.Part + " cannot be read (the file is corrupt or truncated: rebuild it or copy it again)", e);
            }
        }

        static string SymbolProblem(Exception e) => e is BadImageFormatException || e is ModulePreloader.DamagedPart
            ? "the pdb is damaged"
            : "the pdb is damaged or in a format Cecil cannot read";

        static void Dispose(ModuleDefinition module)
        {
            module.AssemblyResolver?.Dispose();
            module.Dispose();
        }

        static ModuleDefinition ReadModule(byte[] image, byte[]? pdb, string path, WeaverSettings settings, bool readSymbols)
        {
            var resolver = CreateResolver(path, settings);
            var parameters = new ReaderParameters(ReadingMode.Immediate)
            {
                AssemblyResolver = resolver,
                InMemory = true,
                ReadSymbols = readSymbols,
                // Missing or mismatched pdb: carry on without symbols rather than fail.
                SymbolReaderProvider = readSymbols ? new DefaultSymbolReaderProvider(throwIfNoSymbol: false) : null,
                ThrowIfSymbolsAreNotMatching = false,
            };
            // Read from memory (the input may be overwritten). Without a file name Cecil cannot find the pdb itself,
            // so pass it as a stream; an embedded pdb takes precedence inside Cecil either way.
            if (readSymbols && pdb != null)
                parameters.SymbolStream = new MemoryStream(pdb, writable: false);
            try
            {
                return ModuleDefinition.ReadModule(new MemoryStream(image, writable: false), parameters);
            }
            catch
            {
                resolver.Dispose();
                throw;
            }
        }

        static DefaultAssemblyResolver CreateResolver(string path, WeaverSettings settings)
        {
            var resolver = new DefaultAssemblyResolver();
            foreach (var directory in resolver.GetSearchDirectories())
                resolver.RemoveSearchDirectory(directory);
            var folders = new List<string> { Path.GetDirectoryName(Path.GetFullPath(path)) ?? "." };
            folders.AddRange(settings.ReferenceSearchPaths);
            folders.Add(Path.GetDirectoryName(typeof(object).Assembly.Location) ?? ".");
            foreach (var folder in folders)
                if (Directory.Exists(folder))
                    resolver.AddSearchDirectory(folder);
            return resolver;
        }

        public static void Write(ModuleDefinition module, string outputPath, byte[]? strongNameKey, IWeaverLog log)
        {
            // On .NET Core Cecil signs from the key blob (StrongNameKeyPair needs the Windows crypto API).
            var parameters = new WriterParameters { StrongNameKeyBlob = strongNameKey };
            var provider = module.HasSymbols ? module.SymbolReader?.GetWriterProvider() : null;
            MemoryStream? pdb = null;
            if (provider is EmbeddedPortablePdbWriterProvider)
            {
                parameters.WriteSymbols = true;
                parameters.SymbolWriterProvider = provider; // needs the assembly written to a named file: see below
            }
            else if (provider is PortablePdbWriterProvider)
            {
                // Written to a stream, the CodeView entry names "<AssemblyName>.pdb", which the runtime then looks
                // for beside the assembly, so stack traces keep their line numbers.
                pdb = new MemoryStream();
                parameters.WriteSymbols = true;
                parameters.SymbolWriterProvider = provider;
                parameters.SymbolStream = pdb;
            }
            else if (provider != null)
            {
                log.Warning("symbols in " + provider.GetType().Name + " format cannot be written; the output has none", outputPath);
            }

            var assembly = new PendingFile(outputPath);
            var symbols = pdb != null ? new PendingFile(Path.ChangeExtension(outputPath, ".pdb")) : null;
            try
            {
                try
                {
                    // A FileStream, not a MemoryStream: Cecil asks the embedded-pdb writer for the stream's file name.
                    using (var stream = new FileStream(assembly.TempPath, FileMode.CreateNew, FileAccess.ReadWrite))
                        module.Write(stream, parameters);
                }
                catch (Exception e) when (!(e is IOException || e is UnauthorizedAccessException))
                {
                    // Cecil read it, yet cannot write it back: values it took on trust (a damaged input).
                    throw new WeavingException(outputPath + ": " + DamageMessages.Unwritable(e), e);
                }
                if (symbols != null)
                    File.WriteAllBytes(symbols.TempPath, pdb!.ToArray());

                // Only when everything is written are the targets replaced.
                assembly.MoveIntoPlace();
                symbols?.MoveIntoPlace();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new WeavingException(outputPath + ": cannot write: " + e.Message, e);
            }
            finally
            {
                assembly.DeleteTemp();
                symbols?.DeleteTemp();
            }
        }

        static byte[]? TryReadAllBytes(string path)
        {
            try { return File.ReadAllBytes(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }
    }
}
