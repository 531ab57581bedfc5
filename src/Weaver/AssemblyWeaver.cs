using System;
using System.Diagnostics;
using AsyncProf.Weaver.IO;
using Mono.Cecil;

namespace AsyncProf.Weaver
{
    /// <summary>The weaver's entry points: a file on disk (command line, MSBuild) or a loaded module (Fody).</summary>
    public static class AssemblyWeaver
    {
        /// <summary>
        /// Reads <paramref name="inputPath"/> (and its pdb or embedded pdb), weaves it and writes
        /// <paramref name="outputPath"/> (and its pdb) atomically. Input and output may be the same file: everything
        /// is read into memory first. The input is never touched otherwise.
        /// </summary>
        /// <exception cref="WeavingException">Bad input; the message is one line "&lt;file&gt;: &lt;problem&gt;".</exception>
        public static WeaveResult WeaveFile(string inputPath, string outputPath, WeaverSettings settings, IWeaverLog log)
        {
            if (inputPath == null) throw new ArgumentNullException(nameof(inputPath));
            if (outputPath == null) throw new ArgumentNullException(nameof(outputPath));
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            log ??= NullWeaverLog.Instance;

            var watch = Stopwatch.StartNew();
            var module = AssemblyFile.Read(inputPath, settings, log);
            try
            {
                return WeaveAndWrite(module, inputPath, outputPath, settings, log, watch);
            }
            catch (AssemblyResolutionException e)
            {
                throw new WeavingException(inputPath + ": " + DamageMessages.MissingReference(e.AssemblyReference), e);
            }
            catch (WeavingException e) when (e.InnerException is AssemblyResolutionException r)
            {
                throw new WeavingException(inputPath + ": " + DamageMessages.MissingReference(r.AssemblyReference), e);
            }
            finally
            {
                // The resolver is ours (AssemblyFile created it) and may hold referenced assemblies open.
                module.AssemblyResolver?.Dispose();
                module.Dispose();
            }
        }

        static WeaveResult WeaveAndWrite(ModuleDefinition module, string inputPath, string outputPath, WeaverSettings settings, IWeaverLog log, Stopwatch watch)
        {
            {
                var result = Weave(module, inputPath, settings, log);
                if (InputChecks.IsStrongNameSigned(module) && settings.StrongNameKeyFile == null)
                    log.Warning("strong-name signed, and no key was given to re-sign it: the woven assembly's " +
                                "signature is no longer valid (.NET Core ignores it; .NET Framework does not)", inputPath);
                AssemblyFile.Write(module, outputPath, StrongNameKey.Read(settings.StrongNameKeyFile), log);
                result.Elapsed = watch.Elapsed;
                log.Info(outputPath + ": " + result);
                return result;
            }
        }

        /// <summary>Weaves an already loaded module in memory; the caller writes it (with its symbols).</summary>
        /// <exception cref="WeavingException">The module must not be woven (already woven, reference assembly, ReadyToRun...).</exception>
        public static WeaveResult WeaveModule(ModuleDefinition module, WeaverSettings settings, IWeaverLog log)
        {
            if (module == null) throw new ArgumentNullException(nameof(module));
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            log ??= NullWeaverLog.Instance;

            var watch = Stopwatch.StartNew();
            var file = string.IsNullOrEmpty(module.FileName) ? module.Name : module.FileName;
            var result = Weave(module, file, settings, log);
            result.Elapsed = watch.Elapsed;
            log.Info(file + ": " + result);
            return result;
        }

        static WeaveResult Weave(ModuleDefinition module, string file, WeaverSettings settings, IWeaverLog log)
        {
            InputChecks.EnsureWeavable(module, file);
            return new ModuleRewriter(module, file, settings, log).Run();
        }
    }
}
