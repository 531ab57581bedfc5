using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>Where a method starts in source: its first non-hidden sequence point, or nothing without symbols.</summary>
    internal readonly struct SourceLocation
    {
        public static readonly SourceLocation Unknown = new SourceLocation(string.Empty, 0);

        public string File { get; }
        public int Line { get; }

        public SourceLocation(string file, int line)
        {
            File = file;
            Line = line;
        }

        public bool IsKnown => Line > 0;

        public static SourceLocation Of(MethodDefinition method)
        {
            if (!method.HasBody || !method.DebugInformation.HasSequencePoints)
                return Unknown;
            foreach (var point in method.DebugInformation.SequencePoints)
                if (!point.IsHidden)
                    return new SourceLocation(point.Document?.Url ?? string.Empty, point.StartLine);
            return Unknown;
        }
    }
}
