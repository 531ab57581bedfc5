using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>A compiler-generated state machine type and the user method (kickoff stub) it was generated from.</summary>
    internal sealed class StateMachine
    {
        public StateMachine(TypeDefinition type, MethodDefinition kickoff, MethodKind kind)
        {
            Type = type;
            Kickoff = kickoff;
            Kind = kind;
        }

        public TypeDefinition Type { get; }
        public MethodDefinition Kickoff { get; }
        /// <summary>Async, Iterator or AsyncIterator.</summary>
        public MethodKind Kind { get; }
    }
}
