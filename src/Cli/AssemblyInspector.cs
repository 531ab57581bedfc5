using System;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AsyncProf.Cli
{
    public enum AssemblyKind
    {
        /// <summary>An IL-only .NET assembly with method bodies: something the weaver can work on.</summary>
        Weavable,
        NotPortableExecutable,
        Native,
        NetModule,
        ReferenceAssembly,
        ReadyToRun,
        MixedMode,
        /// <summary>Looks like a .NET assembly but its metadata cannot be read safely.</summary>
        Damaged,
    }

    /// <summary>
    /// Looks at a file's PE headers and metadata (System.Reflection.Metadata, nothing loaded) to tell whether the
    /// weaver can work on it, before anything is written. The weaver checks again; this lets the command line skip
    /// a folder's native, reference and ReadyToRun DLLs with a clear line instead of an error.
    /// </summary>
    public static class AssemblyInspector
    {
        public static AssemblyKind Classify(string path, out string problem)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return Classify(stream, out problem);
        }

        public static AssemblyKind Classify(Stream stream, out string problem)
        {
            try
            {
                return ClassifyReadable(stream, out problem);
            }
            catch (BadImageFormatException)
            {
                // System.Reflection.Metadata reads lazily: a bad row or coded index shows up only when visited.
                problem = "damaged metadata: a table row or index points outside its table";
                return AssemblyKind.Damaged;
            }
            catch (Exception e) when (!(e is IOException || e is UnauthorizedAccessException || e is OutOfMemoryException))
            {
                // Damaged header sizes make System.Reflection.Metadata overflow (OverflowException) or step out of range.
                problem = "damaged metadata: its headers or heaps cannot be read";
                return AssemblyKind.Damaged;
            }
        }

        static AssemblyKind ClassifyReadable(Stream stream, out string problem)
        {
            problem = "";
            using var pe = new PEReader(stream, PEStreamOptions.LeaveOpen);
            PEHeaders headers;
            try
            {
                headers = pe.PEHeaders;
            }
            catch (BadImageFormatException)
            {
                problem = "not a .NET assembly (not a PE file)";
                return AssemblyKind.NotPortableExecutable;
            }

            var cor = headers.CorHeader;
            if (cor == null || !pe.HasMetadata)
            {
                problem = "not a .NET assembly (native code, no .NET metadata)";
                return AssemblyKind.Native;
            }
            if (cor.ManagedNativeHeaderDirectory.Size != 0)
            {
                problem = "ReadyToRun image (precompiled native code; weave the IL-only assembly from the build output, not a published R2R one)";
                return AssemblyKind.ReadyToRun;
            }
            if ((cor.Flags & CorFlags.ILOnly) == 0)
            {
                problem = "mixed-mode assembly (contains native code; only IL-only assemblies can be woven)";
                return AssemblyKind.MixedMode;
            }

            MetadataReader md;
            try
            {
                md = pe.GetMetadataReader();
            }
            catch (BadImageFormatException)
            {
                problem = "damaged metadata: its headers or heaps cannot be read";
                return AssemblyKind.Damaged;
            }
            if (!md.IsAssembly)
            {
                problem = "a .NET module, not an assembly";
                return AssemblyKind.NetModule;
            }
            foreach (var handle in md.GetAssemblyDefinition().GetCustomAttributes())
            {
                if (IsAttribute(md, md.GetCustomAttribute(handle), "System.Runtime.CompilerServices", "ReferenceAssemblyAttribute"))
                {
                    problem = "reference assembly (metadata only, no code to weave; weave the implementation assembly)";
                    return AssemblyKind.ReferenceAssembly;
                }
            }
            var damage = SignatureCheck.FindProblem(md);
            if (damage != null)
            {
                problem = damage;
                return AssemblyKind.Damaged;
            }
            return AssemblyKind.Weavable;
        }

        static bool IsAttribute(MetadataReader md, CustomAttribute attribute, string ns, string name)
        {
            EntityHandle type;
            switch (attribute.Constructor.Kind)
            {
                case HandleKind.MemberReference:
                    type = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
                    break;
                case HandleKind.MethodDefinition:
                    type = md.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
                    break;
                default:
                    return false;
            }
            switch (type.Kind)
            {
                case HandleKind.TypeReference:
                    var tr = md.GetTypeReference((TypeReferenceHandle)type);
                    return md.StringComparer.Equals(tr.Namespace, ns) && md.StringComparer.Equals(tr.Name, name);
                case HandleKind.TypeDefinition:
                    var td = md.GetTypeDefinition((TypeDefinitionHandle)type);
                    return md.StringComparer.Equals(td.Namespace, ns) && md.StringComparer.Equals(td.Name, name);
                default:
                    return false;
            }
        }
    }
}
