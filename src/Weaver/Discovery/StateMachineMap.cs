using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// Finds every state machine through its kickoff method's [AsyncStateMachine], [IteratorStateMachine] or
    /// [AsyncIteratorStateMachine] attribute, whose Type argument names the state machine type.
    /// </summary>
    internal sealed class StateMachineMap
    {
        const string AttributeNamespace = "System.Runtime.CompilerServices.";
        const string AsyncStateMachineInterface = "System.Runtime.CompilerServices.IAsyncStateMachine";

        readonly Dictionary<TypeDefinition, StateMachine> byType = new Dictionary<TypeDefinition, StateMachine>();
        readonly HashSet<MethodDefinition> kickoffs = new HashSet<MethodDefinition>();
        readonly HashSet<MethodDefinition> mappedKickoffs = new HashSet<MethodDefinition>();

        public StateMachineMap(IReadOnlyCollection<TypeDefinition> types)
        {
            var byName = new Dictionary<string, TypeDefinition>();
            foreach (var type in types)
                byName[type.FullName] = type;

            foreach (var type in types)
            foreach (var method in type.Methods)
            {
                if (!method.HasCustomAttributes)
                    continue;
                foreach (var attribute in method.CustomAttributes)
                {
                    var kind = KindOf(attribute.AttributeType.FullName);
                    if (kind == null || attribute.ConstructorArguments.Count != 1)
                        continue;
                    kickoffs.Add(method);
                    if (attribute.ConstructorArguments[0].Value is TypeReference reference &&
                        byName.TryGetValue(reference.GetElementType().FullName, out var machine))
                    {
                        byType[machine] = new StateMachine(machine, method, kind.Value);
                        mappedKickoffs.Add(method);
                    }
                }
            }
        }

        public bool TryGet(TypeDefinition type, out StateMachine machine) => byType.TryGetValue(type, out machine!);

        /// <summary>A method carrying a state machine attribute: its state machine is woven, never the stub itself.</summary>
        public bool IsKickoff(MethodDefinition method) => kickoffs.Contains(method);

        /// <summary>A kickoff whose attribute names no state machine type of this module.</summary>
        public bool IsOrphanKickoff(MethodDefinition method) => kickoffs.Contains(method) && !mappedKickoffs.Contains(method);

        /// <summary>
        /// Implements IAsyncStateMachine without any kickoff attribute naming it: F# task { } state machines
        /// (and other compilers'). Their MoveNext must not be woven as an ordinary method.
        /// </summary>
        public static bool IsUnattributedAsyncStateMachine(TypeDefinition type) =>
            type.Interfaces.Any(i => i.InterfaceType.FullName == AsyncStateMachineInterface);

        static MethodKind? KindOf(string attributeName)
        {
            switch (attributeName)
            {
                case AttributeNamespace + "AsyncStateMachineAttribute": return MethodKind.Async;
                case AttributeNamespace + "IteratorStateMachineAttribute": return MethodKind.Iterator;
                case AttributeNamespace + "AsyncIteratorStateMachineAttribute": return MethodKind.AsyncIterator;
                default: return null;
            }
        }
    }
}
