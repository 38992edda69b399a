// ProcessOrder runs once per message on the "orders" queue. The Functions
// host decodes the message (JSON here) into `order`; returning normally
// deletes the message, throwing makes it visible again for another try.
module.exports = async function (context, order) {
  if (!order || typeof order.id === "undefined") {
    throw new Error("order without an id: " + JSON.stringify(order));
  }
  const items = Array.isArray(order.items) ? order.items : [];
  const total = items.reduce((sum, item) => sum + (item.price || 0) * (item.quantity || 1), 0);
  context.log(`order ${order.id}: ${items.length} item(s), total ${total.toFixed(2)}`);
  // Simulate the work a real order takes: payment, stock, confirmation.
  await new Promise((resolve) => setTimeout(resolve, 200));
};
