using System.Linq;
using AsyncProf.Weaver.Contract;
using Mono.Cecil;

namespace AsyncProf.Weaver.IO
{
    /// <summary>Refuses modules that must not or cannot be woven, with a one-line "&lt;file&gt;: &lt;problem&gt;".</summary>
    internal static class InputChecks
    {
        public static void EnsureWeavable(ModuleDefinition module, string file)
        {
            if (module.Assembly?.Name.Name == ProbeReferences.AssemblyName)
                throw Refuse(file, "this is the AsyncProf runtime itself, which cannot be woven");
            if (MethodTable.IsPresentIn(module))
                throw Refuse(file, "already woven by AsyncProf");
            if (IsReferenceAssembly(module))
                throw Refuse(file, "reference assembly (no method bodies): weave the implementation assembly instead");
            // ReadyToRun images carry precompiled native code next to the IL (COR header ILLibrary); Cecil cannot
            // write them back, and stripping the native code silently would change the app's startup.
            if ((module.Attributes & ModuleAttributes.ILLibrary) != 0)
                throw Refuse(file, "ReadyToRun image: weave the IL build instead");
            if ((module.Attributes & ModuleAttributes.ILOnly) == 0)
                throw Refuse(file, "not an IL-only image (mixed-mode or ReadyToRun): weave the IL build instead");
        }

        public static bool IsStrongNameSigned(ModuleDefinition module) =>
            (module.Attributes & ModuleAttributes.StrongNameSigned) != 0 && module.Assembly?.Name.HasPublicKey == true;

        static bool IsReferenceAssembly(ModuleDefinition module) =>
            module.Assembly != null && module.Assembly.CustomAttributes.Any(a =>
                a.AttributeType.FullName == "System.Runtime.CompilerServices.ReferenceAssemblyAttribute");

        static WeavingException Refuse(string file, string problem) => new WeavingException(file + ": " + problem);
    }
}
