using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FluentValidation;

namespace LibraryWorkload
{
    /// <summary>FluentValidation: each order validated once with ValidateAsync, one rule of which awaits.</summary>
    public static class ValidationSteps
    {
        sealed class OrderValidator : AbstractValidator<Order>
        {
            public OrderValidator()
            {
                RuleFor(o => o.Customer).NotEmpty();
                RuleFor(o => o.Lines).NotEmpty();
                RuleForEach(o => o.Lines).ChildRules(line => line.RuleFor(l => l.Quantity).GreaterThan(0));
                RuleFor(o => o.Id).MustAsync(async (id, token) =>
                {
                    await Task.Yield();
                    return id >= 0;
                });
            }
        }

        public static async Task RunAsync(IReadOnlyList<Order> orders)
        {
            var validator = new OrderValidator();
            foreach (var order in orders) await Validate(validator, order);
        }

        /// <summary>ValidateAsync once. Error codes and property names only: messages depend on the UI culture.</summary>
        static async Task Validate(OrderValidator validator, Order order)
        {
            var result = await validator.ValidateAsync(order);
            var errors = string.Join(", ", result.Errors.Select(e => $"{e.PropertyName}:{e.ErrorCode}"));
            Console.WriteLine($"validation order {order.Id}: {(result.IsValid ? "valid" : "invalid " + errors)}");
        }
    }
}
