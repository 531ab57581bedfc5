using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Fody;
using AsyncProf.Shared;
using AsyncProf.Weaver;
using Fody;
using Mono.Cecil.Cil;

/// <summary>
/// The AsyncProf Fody addin: Fody finds this class by its name, in the global namespace, in weaver/AsyncProf.Fody.dll,
/// and runs it for <c>&lt;AsyncProf/&gt;</c> in FodyWeavers.xml. Fody reads, signs and writes the module (with its
/// symbols); this weaves it in memory with the same core as the command line and the MSBuild task.
/// </summary>
public class ModuleWeaver : BaseModuleWeaver
{
    public override void Execute()
    {
        var settingsFile = FodySettings.FileBeside(AssemblyFilePath, ProjectDirectoryPath);
        FodySettings config;
        try
        {
            config = FodySettings.Read(Config, settingsFile);
        }
        catch (FodySettingsException e)
        {
            throw new global::Fody.WeavingException("AsyncProf: " + e.Message);
        }

        if (!config.Enabled)
        {
            WriteInfo("AsyncProf: not weaving (" + config.Why + ")");
            return;
        }

        var settings = new WeaverSettings { WeaveAll = config.All };
        settings.Include.AddRange(config.Include);
        settings.Exclude.AddRange(config.Exclude);
        settings.ReferenceSearchPaths.AddRange(ReferenceFolders());

        try
        {
            var result = AssemblyWeaver.WeaveModule(ModuleDefinition, settings, new FodyLog(this));
            WriteInfo("AsyncProf: " + result + " (" + config.Why + ")");
        }
        catch (AsyncProf.Weaver.WeavingException e)
        {
            // Fody reports its own WeavingException as one error line; anything else becomes a stack trace.
            throw new global::Fody.WeavingException("AsyncProf: " + OneLineText.Of(e.Message));
        }
        catch (Exception e) when (!(e is global::Fody.WeavingException))
        {
            WriteDebug("AsyncProf: details of the internal error: " + e);
            throw new global::Fody.WeavingException("AsyncProf: internal error while weaving " + AssemblyFilePath + ": " +
                e.GetType().Name + ": " + OneLineText.Of(e.Message) + " (please report it with the output of `dotnet build -v:diag`)");
        }
    }

    /// <summary>AsyncProf needs no types from other assemblies to be scanned.</summary>
    public override IEnumerable<string> GetAssembliesForScanning() => Enumerable.Empty<string>();

    /// <summary>Woven code calls the runtime from lib/: keep the reference (and the copy in the output).</summary>
    public override bool ShouldCleanReference => false;

    IEnumerable<string> ReferenceFolders() =>
        (References ?? string.Empty).Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(r => Path.GetDirectoryName(r.Trim()))
            .Where(d => !string.IsNullOrEmpty(d))
            .Select(d => d!)
            .Distinct(StringComparer.Ordinal);


    /// <summary>The core's messages through Fody's logger: warnings with the source file and line when known.</summary>
    sealed class FodyLog : IWeaverLog
    {
        readonly ModuleWeaver weaver;

        public FodyLog(ModuleWeaver weaver) => this.weaver = weaver;

        public void Info(string message) => weaver.WriteDebug("AsyncProf: " + message);

        public void Warning(string message, string? file = null, int line = 0)
        {
            message = "AsyncProf: " + OneLineText.Of(message);
            if (string.IsNullOrEmpty(file))
            {
                weaver.WriteWarning(message);
                return;
            }
            // Fody reports a warning's place through a sequence point.
            var point = new SequencePoint(Instruction.Create(OpCodes.Nop), new Document(file))
            {
                StartLine = Math.Max(line, 0),
                StartColumn = line > 0 ? 1 : 0,
                EndLine = Math.Max(line, 0),
                EndColumn = line > 0 ? 1 : 0,
            };
            weaver.WriteWarning(message, point);
        }
    }
}
