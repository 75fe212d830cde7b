// The published class names, written out here as an oracle independent of core's descriptors.

/**
 * Fashion-MNIST's class names in label order, as Zalando's README publishes them. Tests compare
 * core's descriptor and the CLI's output against this copy, never against core itself.
 */
export const PUBLISHED_FASHION_MNIST_CLASSES: readonly string[] =
  'T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot'.split('|');
