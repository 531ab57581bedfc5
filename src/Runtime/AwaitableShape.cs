using System;
using System.Reflection;
using System.Threading.Tasks;

namespace AsyncProf
{
    /// <summary>
    /// What the profiler may safely ask an awaitable of type <typeparamref name="T"/> that is not a Task (ValueTask,
    /// ValueTask&lt;T&gt;, custom awaitables), found once per type by reflection. A ValueTask over an
    /// IValueTaskSource may be awaited once only, so nothing here ever consumes one: no AsTask, no OnCompleted, no
    /// GetResult. Only its <c>IsCompleted</c> (a status query the awaiting caller makes too) is read, and when it is
    /// still running, the Task it wraps, if it wraps one (a ValueTask built over a Task, or returned by a
    /// non-pooling async ValueTask method).
    /// </summary>
    internal static class AwaitableShape<T>
    {
        public delegate bool Test(ref T awaitable);

        /// <summary>The type's own <c>IsCompleted</c>, or null when it has none (completion cannot be observed).</summary>
        public static readonly Test? IsCompleted = Getter("IsCompleted");

        /// <summary>The type's <c>IsCompletedSuccessfully</c>, or null (a completed call is then taken as not faulted).</summary>
        public static readonly Test? IsCompletedSuccessfully = Getter("IsCompletedSuccessfully");

        /// <summary>A private field that may hold the Task the awaitable wraps (ValueTask's <c>_obj</c>), or null.</summary>
        static readonly FieldInfo? TaskField = FindTaskField();

        /// <summary>The Task behind a ValueTask built over one, else null (an IValueTaskSource, or no such field).</summary>
        public static Task? WrappedTask(ref T awaitable)
        {
            if (TaskField == null) return null;
            try
            {
                var value = typeof(T).IsValueType ? TaskField.GetValueDirect(__makeref(awaitable)) : TaskField.GetValue(awaitable);
                return value as Task;
            }
            catch (Exception) { return null; } // a runtime whose reflection refuses: completion is then unobserved
        }

        static Test? Getter(string property)
        {
            try
            {
                var getter = typeof(T).GetProperty(property, BindingFlags.Public | BindingFlags.Instance, null, typeof(bool), Type.EmptyTypes, null)?.GetGetMethod();
                if (getter == null) return null;
                if (typeof(T).IsValueType) return (Test)Delegate.CreateDelegate(typeof(Test), null, getter);
                var open = (Func<T, bool>)Delegate.CreateDelegate(typeof(Func<T, bool>), null, getter);
                return (ref T value) => value != null && open(value);
            }
            catch (Exception) { return null; }
        }

        static FieldInfo? FindTaskField()
        {
            const BindingFlags Fields = BindingFlags.NonPublic | BindingFlags.Instance;
            foreach (var name in new[] { "_obj", "_task", "m_task" })
            {
                var field = typeof(T).GetField(name, Fields);
                if (field != null && !field.FieldType.IsValueType && field.FieldType.IsAssignableFrom(typeof(Task))) return field;
            }
            return null;
        }
    }
}
