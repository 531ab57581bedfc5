using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Contract
{
    /// <summary>
    /// The <c>&lt;AsyncProf&gt;MethodTable</c> type added to every woven module: one line per woven method
    /// (<c>kind \t displayName \t file \t line</c>), registered with the runtime by the type's initializer, which
    /// stores the module's id base in <c>Base</c>. A method's id is <c>Base + its line index</c>. Its presence marks
    /// the module as woven.
    /// </summary>
    internal sealed class MethodTable
    {
        public const string TypeName = "<AsyncProf>MethodTable";
        public const string BaseFieldName = "Base";
        public const string SiteBaseFieldName = "SiteBase";

        readonly ModuleDefinition module;
        readonly ProbeReferences probes;
        readonly TypeDefinition type;
        readonly FieldDefinition baseField;
        readonly List<string> lines = new List<string>();
        readonly List<string> sites = new List<string>();
        FieldDefinition? siteBaseField;

        public MethodTable(ModuleDefinition module, ProbeReferences probes)
        {
            this.module = module;
            this.probes = probes;
            // Not beforefieldinit: the initializer (hence RegisterModule) runs exactly when woven code first reads
            // Base, which only happens inside an `if (Probe.Active)` branch, so an idle app never registers.
            type = new TypeDefinition(string.Empty, TypeName,
                TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class,
                module.TypeSystem.Object);
            baseField = new FieldDefinition(BaseFieldName,
                FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly, module.TypeSystem.Int32);
            type.Fields.Add(baseField);
        }

        public static bool IsPresentIn(ModuleDefinition module) => module.Types.Any(t => t.Name == TypeName && t.Namespace.Length == 0);

        public int Count => lines.Count;

        /// <summary>Adds a woven method and returns its index in the table.</summary>
        public int Add(MethodKind kind, string displayName, SourceLocation location)
        {
            lines.Add(string.Join("\t", kind.ToTableName(), Unique(Clean(displayName)), Clean(location.File), location.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return lines.Count - 1;
        }

        readonly HashSet<string> names = new HashSet<string>();

        /// <summary>
        /// No two methods of a module share a display name: overloads carry their parameter types already, so a
        /// repeat is left only by shapes those cannot tell apart (the lambdas of two overloads): numbered, " (2)".
        /// </summary>
        string Unique(string name)
        {
            var unique = name;
            for (var n = 2; !names.Add(unique); n++)
                unique = name + " (" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
            return unique;
        }

        /// <summary>The table text passed to Probe.RegisterModule: lines joined by '\n', no trailing newline.</summary>
        public string Text => string.Join("\n", lines);

        /// <summary>Code pushing the method id <c>Base + index</c>.</summary>
        public IEnumerable<Instruction> EmitId(int index)
        {
            yield return Instruction.Create(OpCodes.Ldsfld, baseField);
            yield return Instruction.Create(OpCodes.Ldc_I4, index);
            yield return Instruction.Create(OpCodes.Add);
        }

        /// <summary>Adds a blocking call site (<c>methodIndex \t call \t file \t line</c>) and returns its index.</summary>
        public int AddSite(int methodIndex, string call, SourceLocation location)
        {
            sites.Add(string.Join("\t", methodIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), Clean(call), Clean(location.File),
                location.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return sites.Count - 1;
        }

        public int SiteCount => sites.Count;

        /// <summary>Code pushing the site id <c>SiteBase + index</c> (the registration of the sites runs with the method table's).</summary>
        public IEnumerable<Instruction> EmitSiteId(int index)
        {
            if (siteBaseField == null)
            {
                siteBaseField = new FieldDefinition(SiteBaseFieldName,
                    FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly, module.TypeSystem.Int32);
                type.Fields.Add(siteBaseField);
            }
            yield return Instruction.Create(OpCodes.Ldsfld, siteBaseField);
            yield return Instruction.Create(OpCodes.Ldc_I4, index);
            yield return Instruction.Create(OpCodes.Add);
        }

        /// <summary>Writes the initializer with the final table text and adds the type to the module.</summary>
        public void AddToModule()
        {
            var cctor = new MethodDefinition(".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig |
                MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
                module.TypeSystem.Void);
            var il = cctor.Body.GetILProcessor();
            il.Emit(OpCodes.Ldstr, Text);
            il.Emit(OpCodes.Call, probes.RegisterModule);
            il.Emit(OpCodes.Stsfld, baseField);
            if (siteBaseField != null)
            {
                il.Emit(OpCodes.Ldstr, string.Join("\n", sites));
                il.Emit(OpCodes.Ldsfld, baseField);
                il.Emit(OpCodes.Call, probes.RegisterSites);
                il.Emit(OpCodes.Stsfld, siteBaseField);
            }
            il.Emit(OpCodes.Ret);
            type.Methods.Add(cctor);
            module.Types.Add(type);
        }

        // The table format is tab- and newline-separated: names never contain those, but paths from a PDB might.
        static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
    }
}
