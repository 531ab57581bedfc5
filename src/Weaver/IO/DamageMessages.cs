using System;

namespace AsyncProf.Weaver.IO
{
    /// <summary>
    /// Words for an assembly Cecil cannot open. Cecil's own exception texts ("Read out of bounds.", a bare
    /// dictionary key, "Object reference not set...") tell a user nothing, so they never reach the message.
    /// </summary>
    internal static class DamageMessages
    {
        const string Advice = " (the file is corrupt or truncated: rebuild it or copy it again)";

        public static string MissingReference(Mono.Cecil.AssemblyNameReference? reference) =>
            "it needs " + (reference == null ? "a referenced assembly" : reference.Name + " " + reference.Version) +
            ", found neither in the app folder, its deps.json packages, the NuGet cache nor the shared frameworks (add its folder with --references DIR)";

        public static string Unwritable(Exception e) =>
            "damaged metadata: it was read, but cannot be written back (" + (e is OutOfMemoryException ? "a size in it is impossibly large" : "a value in it is out of range") + ")" + Advice;

        public static string Unreadable(Exception e) => e switch
        {
            BadImageFormatException _ => "not a .NET assembly, or one whose headers or metadata are damaged" + Advice,
            OutOfMemoryException _ => "damaged metadata: a size or count in it is impossibly large" + Advice,
            _ => "damaged metadata: it cannot be read" + Advice,
        };
    }
}
