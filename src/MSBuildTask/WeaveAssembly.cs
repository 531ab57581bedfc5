using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Shared;
using AsyncProf.Weaver;
using AsyncProf.Weaver.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AsyncProf.MSBuild
{
    /// <summary>
    /// Weaves a project's compiled assembly into a separate file (never the compiler's output in place), so a build
    /// without profiling can always copy the untouched original. Used by build/AsyncProf.MSBuild.targets.
    /// </summary>
    public sealed class WeaveAssembly : Task
    {
        /// <summary>Error codes: the build fails with one of these and a one-line message, never a stack trace.</summary>
        internal const string BadInputCode = "ASYNCPROF001";
        internal const string InternalErrorCode = "ASYNCPROF002";
        internal const string BadSettingCode = "ASYNCPROF003";
        /// <summary>Warning code: something the weaver skipped or could not carry over (symbols, signature).</summary>
        internal const string WeaverWarningCode = "ASYNCPROF100";

        /// <summary>The compiler's output (obj/.../App.dll); its .pdb beside it is read when there is one.</summary>
        [Required]
        public string AssemblyFile { get; set; } = "";

        /// <summary>Where the woven copy goes (obj/.../asyncprof/App.dll), with its .pdb beside it.</summary>
        [Required]
        public string OutputFile { get; set; } = "";

        /// <summary>Patterns (<c>*</c> wildcard) on Namespace.Type.Method, as the command line's --include.</summary>
        public string[]? Include { get; set; }

        /// <summary>Patterns (<c>*</c> wildcard) on Namespace.Type.Method, as the command line's --exclude.</summary>
        public string[]? Exclude { get; set; }

        /// <summary>"true" (AsyncProfAll): weave trivial methods too, as the command line's --all.</summary>
        public string? All { get; set; }

        /// <summary>The project's resolved references (@(ReferencePath)); their folders are searched for referenced assemblies.</summary>
        public ITaskItem[]? References { get; set; }

        /// <summary>The strong-name key (.snk) to sign the woven assembly with; empty when the project is not signed.</summary>
        public string? KeyFile { get; set; }

        /// <summary>Project file, for messages.</summary>
        public string? ProjectName { get; set; }

        [Output] public int WovenMethods { get; private set; }
        [Output] public int SkippedMethods { get; private set; }

        public override bool Execute()
        {
            var input = Path.GetFullPath(AssemblyFile);
            var output = Path.GetFullPath(OutputFile);
            if (string.Equals(input, output, StringComparison.OrdinalIgnoreCase))
            {
                Log.LogError(null, BadSettingCode, null, AssemblyFile, 0, 0, 0, 0,
                    "AsyncProf: the woven copy must not replace the compiler's output ({0})", AssemblyFile);
                return false;
            }

            var settings = new WeaverSettings { WeaveAll = string.Equals(All?.Trim(), "true", StringComparison.OrdinalIgnoreCase) };
            settings.Include.AddRange(Patterns(Include));
            settings.Exclude.AddRange(Patterns(Exclude));
            settings.ReferenceSearchPaths.AddRange(ReferenceFolders(References));
            if (!string.IsNullOrWhiteSpace(KeyFile))
            {
                var key = Path.GetFullPath(KeyFile!.Trim());
                if (!File.Exists(key))
                {
                    Log.LogError(null, BadSettingCode, null, KeyFile, 0, 0, 0, 0,
                        "AsyncProf: the strong-name key file {0} does not exist, so the woven assembly cannot be signed", key);
                    return false;
                }
                settings.StrongNameKeyFile = key;
            }

            var log = new MSBuildWeaverLog(Log, input);
            try
            {
                // A woven copy from an earlier build must never survive a failed or symbol-less weave.
                DeleteIfExists(output);
                DeleteIfExists(Path.ChangeExtension(output, ".pdb"));

                var result = AssemblyWeaver.WeaveFile(input, output, settings, log);
                WovenMethods = result.Total;
                SkippedMethods = result.Skipped;
                Log.LogMessage(MessageImportance.Normal, "AsyncProf: {0}: {1} -> {2}",
                    ProjectName ?? Path.GetFileName(input), result, OutputFile);
                return !Log.HasLoggedErrors;
            }
            catch (WeavingException e)
            {
                // Bad input (reference assembly, ReadyToRun image, already woven...): the message is the whole story.
                Log.LogError(null, BadInputCode, null, input, 0, 0, 0, 0, "AsyncProf: {0}", OneLineText.Of(e.Message));
                DeleteQuietly(output);
                return false;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError(null, BadInputCode, null, input, 0, 0, 0, 0, "AsyncProf: cannot weave {0}: {1}", input, OneLineText.Of(e.Message));
                DeleteQuietly(output);
                return false;
            }
            catch (Exception e)
            {
                // A bug: one clear line for the build, the details only in a detailed log (-v:diag, -bl).
                Log.LogError(null, InternalErrorCode, null, input, 0, 0, 0, 0,
                    "AsyncProf: internal error while weaving {0}: {1}: {2} (please report it with the output of `dotnet build -v:diag`)",
                    input, e.GetType().Name, OneLineText.Of(e.Message));
                Log.LogMessage(MessageImportance.Low, "AsyncProf: details of the internal error: {0}", e);
                DeleteQuietly(output);
                return false;
            }
        }

        static IEnumerable<string> Patterns(string[]? values) =>
            (values ?? Array.Empty<string>())
                .SelectMany(v => v.Split(new[] { ';', '|', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries))
                .Select(p => p.Trim())
                .Where(p => p.Length > 0);

        static IEnumerable<string> ReferenceFolders(ITaskItem[]? references)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var reference in references ?? Array.Empty<ITaskItem>())
            {
                var folder = Path.GetDirectoryName(reference.GetMetadata("FullPath"));
                if (!string.IsNullOrEmpty(folder) && seen.Add(folder!))
                    yield return folder!;
            }
        }


        static void DeleteIfExists(string path)
        {
            if (File.Exists(path)) File.Delete(path);
        }

        static void DeleteQuietly(string path)
        {
            try { DeleteIfExists(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
