using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// Whether an ordinary method returns an awaitable, which makes it a task-returning call (kind "task") that stays
    /// open until what it returned completes. Libraries write most public async APIs this way
    /// (<c>public Task&lt;X&gt; FooAsync() =&gt; Foo(async: true)</c>), so do middleware delegates and facades.
    /// </summary>
    internal enum AwaitableReturnKind
    {
        /// <summary>Not an awaitable: an ordinary call.</summary>
        None,
        /// <summary>Task, Task&lt;T&gt; or a type derived from Task: handed to <c>Probe.ExitTask</c>.</summary>
        Task,
        /// <summary>Any other awaitable (ValueTask, ValueTask&lt;T&gt;, a type with GetAwaiter()): <c>Probe.ExitAwaitable&lt;T&gt;</c>.</summary>
        Other,
    }

    internal static class AwaitableReturn
    {
        const string TasksNamespace = "System.Threading.Tasks";

        public static AwaitableReturnKind Of(MethodDefinition method)
        {
            // A property handing out a task (`Completion => tcs.Task`) did not start the work it stands for: its call
            // is the getter's, not the task's lifetime.
            if (method.IsGetter)
                return AwaitableReturnKind.None;
            var type = Unmodified(method.ReturnType);
            if (type is ByReferenceType || type is PointerType || type.IsGenericParameter || type is ArrayType)
                return AwaitableReturnKind.None;
            var element = type.GetElementType();
            if (element.Namespace == TasksNamespace)
            {
                if (element.Name == "Task" || element.Name == "Task`1") return AwaitableReturnKind.Task;
                if (element.Name == "ValueTask" || element.Name == "ValueTask`1") return AwaitableReturnKind.Other;
            }
            if (type.MetadataType == MetadataType.Void || type.IsPrimitive || type.MetadataType == MetadataType.String || type.MetadataType == MetadataType.Object)
                return AwaitableReturnKind.None;
            // Resolving is the expensive part, and a library returns the same few types from many methods.
            var known = Shapes.GetOrCreateValue(method.Module);
            var key = element.Scope?.Name + "|" + element.FullName;
            if (!known.TryGetValue(key, out var kind))
                known[key] = kind = ByShape(element);
            return kind;
        }

        /// <summary>What <see cref="ByShape"/> found, per module and return type (scope and full name).</summary>
        static readonly ConditionalWeakTable<ModuleDefinition, Dictionary<string, AwaitableReturnKind>> Shapes =
            new ConditionalWeakTable<ModuleDefinition, Dictionary<string, AwaitableReturnKind>>();

        /// <summary>The return type without modifiers (modreq/modopt are part of the signature, not of the value).</summary>
        public static TypeReference Unmodified(TypeReference type)
        {
            while (type is IModifierType modified)
                type = modified.ElementType;
            return type;
        }

        /// <summary>A type derived from Task, or one with a public parameterless instance GetAwaiter().</summary>
        static AwaitableReturnKind ByShape(TypeReference element)
        {
            TypeDefinition? definition;
            try { definition = element.Resolve(); }
            catch (Exception) { return AwaitableReturnKind.None; } // a reference we cannot load: not worth guessing
            if (definition == null)
                return AwaitableReturnKind.None;
            if (DerivesFromTask(definition))
                return AwaitableReturnKind.Task;
            // a ref struct cannot be a generic argument (ExitAwaitable<T>)
            if (definition.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.IsByRefLikeAttribute"))
                return AwaitableReturnKind.None;
            var getAwaiter = definition.Methods.Any(m => m.Name == "GetAwaiter" && !m.IsStatic && m.IsPublic && !m.HasParameters && !m.HasGenericParameters);
            return getAwaiter ? AwaitableReturnKind.Other : AwaitableReturnKind.None;
        }

        static bool DerivesFromTask(TypeDefinition definition)
        {
            for (var depth = 0; depth < 32 && definition.BaseType != null; depth++)
            {
                var baseType = definition.BaseType.GetElementType();
                if (baseType.Namespace == TasksNamespace && (baseType.Name == "Task" || baseType.Name == "Task`1"))
                    return true;
                try { definition = baseType.Resolve(); }
                catch (Exception) { return false; }
                if (definition == null) return false;
            }
            return false;
        }

        /// <summary>
        /// System.Threading.Tasks.Task as the module can name it: beside Task&lt;T&gt; when that is what it returns,
        /// else in its core library (System.Runtime, netstandard or mscorlib all define or forward it).
        /// </summary>
        public static TypeReference TaskType(TypeReference returned, ModuleDefinition module)
        {
            var element = Unmodified(returned).GetElementType();
            var isTask = element.Namespace == TasksNamespace && (element.Name == "Task" || element.Name == "Task`1");
            var scope = isTask ? element.Scope : module.TypeSystem.CoreLibrary;
            return new TypeReference(TasksNamespace, "Task", module, scope, valueType: false);
        }
    }
}
