package sessionkit

import "iter"

// Collect ranges over seq, an iterator such as
// [sessions.Service.FetchUsersIter], and returns every item it yields. When
// the iterator yields an error, Collect stops there and returns the items
// yielded before it together with that error (from the SDK's iterators a
// [*PageError], which says where to resume). The items are in the order
// the iterator yielded them; with no items and no error the slice is
// empty, not nil.
//
// Collect holds the whole listing in memory: for large listings range over
// the iterator and handle each item as it comes.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	items := []T{}
	for item, err := range seq {
		if err != nil {
			return items, err
		}
		items = append(items, item)
	}
	return items, nil
}
