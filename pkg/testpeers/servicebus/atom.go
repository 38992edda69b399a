package servicebus

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// XML namespaces of the management API.
const (
	atomNS     = "http://www.w3.org/2005/Atom"
	connectNS  = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"
	instanceNS = "http://www.w3.org/2001/XMLSchema-instance"
	countNS    = "http://schemas.microsoft.com/netservices/2011/06/servicebus"
)

// forever is the TimeSpan.MaxValue Service Bus shows for "never", as an
// ISO 8601 duration.
const forever = "P10675199DT2H48M5.4775807S"

// entry is one ATOM entry as the Get Entity operation returns it
// (learn.microsoft.com/rest/api/servicebus/get-entity, "Response Body"):
// id, title, published, updated, author, a self link and the entity's
// description as application/xml content.
type entry struct {
	id, title string
	published time.Time
	updated   time.Time
	author    string
	desc      string
}

// write renders e into b; top says whether e is a document of its own
// (with the XML declaration and the Atom namespace).
func (e *entry) write(b *strings.Builder, top bool) {
	if top {
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
		b.WriteString(`<entry xmlns="` + atomNS + `">`)
	} else {
		b.WriteString(`<entry>`)
	}
	fmt.Fprintf(b, `<id>%s</id><title type="text">%s</title><published>%s</published><updated>%s</updated>`,
		esc(e.id), esc(e.title), stamp(e.published), stamp(e.updated))
	fmt.Fprintf(b, `<author><name>%s</name></author><link rel="self" href="%s"/>`, esc(e.author), esc(e.id))
	b.WriteString(`<content type="application/xml">` + e.desc + `</content></entry>`)
}

// feed renders the ATOM feed of the Enumeration operation
// (learn.microsoft.com/rest/api/servicebus/enumeration, "Response Body"):
// a feed titled with the collection, holding one entry per entity.
func feed(id, title string, updated time.Time, entries []*entry) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<feed xmlns="%s"><title type="text">%s</title><id>%s</id><updated>%s</updated><link rel="self" href="%s"/>`,
		atomNS, esc(title), esc(id), stamp(updated), esc(id))
	for _, e := range entries {
		e.write(&b, false)
	}
	b.WriteString(`</feed>`)
	return b.String()
}

// countDetails renders the runtime CountDetails element: its children
// live in the 2011/06 servicebus namespace, as the service sends them.
func countDetails(c Counts) string {
	return fmt.Sprintf(`<CountDetails xmlns:d2p1="%s">`+
		`<d2p1:ActiveMessageCount>%d</d2p1:ActiveMessageCount>`+
		`<d2p1:DeadLetterMessageCount>%d</d2p1:DeadLetterMessageCount>`+
		`<d2p1:ScheduledMessageCount>%d</d2p1:ScheduledMessageCount>`+
		`<d2p1:TransferMessageCount>%d</d2p1:TransferMessageCount>`+
		`<d2p1:TransferDeadLetterMessageCount>%d</d2p1:TransferDeadLetterMessageCount>`+
		`</CountDetails>`, countNS, c.Active, c.DeadLetter, c.Scheduled, c.Transfer, c.TransferDeadLetter)
}

// times renders the CreatedAt, UpdatedAt and AccessedAt elements.
func times(created, updated, accessed time.Time) string {
	return fmt.Sprintf(`<CreatedAt>%s</CreatedAt><UpdatedAt>%s</UpdatedAt><AccessedAt>%s</AccessedAt>`,
		stamp(created), stamp(updated), stamp(accessed))
}

// queueDescription renders a QueueDescription with the defaults a new
// queue has and the runtime counts c.
func queueDescription(c Counts, created, now time.Time) string {
	return `<QueueDescription xmlns="` + connectNS + `" xmlns:i="` + instanceNS + `">` +
		`<LockDuration>PT1M</LockDuration><MaxSizeInMegabytes>1024</MaxSizeInMegabytes>` +
		`<RequiresDuplicateDetection>false</RequiresDuplicateDetection><RequiresSession>false</RequiresSession>` +
		`<DefaultMessageTimeToLive>` + forever + `</DefaultMessageTimeToLive>` +
		`<DeadLetteringOnMessageExpiration>false</DeadLetteringOnMessageExpiration>` +
		`<DuplicateDetectionHistoryTimeWindow>PT10M</DuplicateDetectionHistoryTimeWindow>` +
		`<MaxDeliveryCount>10</MaxDeliveryCount><EnableBatchedOperations>true</EnableBatchedOperations>` +
		fmt.Sprintf(`<SizeInBytes>%d</SizeInBytes><MessageCount>%d</MessageCount>`, c.size(), c.total()) +
		`<IsAnonymousAccessible>false</IsAnonymousAccessible><AuthorizationRules></AuthorizationRules>` +
		`<Status>Active</Status>` + times(created, now, now) + `<SupportOrdering>true</SupportOrdering>` +
		countDetails(c) +
		`<AutoDeleteOnIdle>` + forever + `</AutoDeleteOnIdle><EnablePartitioning>false</EnablePartitioning>` +
		`<EntityAvailabilityStatus>Available</EntityAvailabilityStatus><EnableExpress>false</EnableExpress>` +
		`<MaxMessageSizeInKilobytes>256</MaxMessageSizeInKilobytes>` +
		`</QueueDescription>`
}

// topicDescription renders a TopicDescription with subs subscriptions.
// A topic's own CountDetails are zero: messages live in subscriptions.
func topicDescription(subs int, created, now time.Time) string {
	return `<TopicDescription xmlns="` + connectNS + `" xmlns:i="` + instanceNS + `">` +
		`<DefaultMessageTimeToLive>` + forever + `</DefaultMessageTimeToLive>` +
		`<MaxSizeInMegabytes>1024</MaxSizeInMegabytes><RequiresDuplicateDetection>false</RequiresDuplicateDetection>` +
		`<DuplicateDetectionHistoryTimeWindow>PT10M</DuplicateDetectionHistoryTimeWindow>` +
		`<EnableBatchedOperations>true</EnableBatchedOperations><SizeInBytes>0</SizeInBytes>` +
		`<FilteringMessagesBeforePublishing>false</FilteringMessagesBeforePublishing>` +
		`<IsAnonymousAccessible>false</IsAnonymousAccessible><AuthorizationRules></AuthorizationRules>` +
		`<Status>Active</Status>` + times(created, now, now) + `<SupportOrdering>true</SupportOrdering>` +
		countDetails(Counts{}) + fmt.Sprintf(`<SubscriptionCount>%d</SubscriptionCount>`, subs) +
		`<AutoDeleteOnIdle>` + forever + `</AutoDeleteOnIdle><EnablePartitioning>false</EnablePartitioning>` +
		`<EntityAvailabilityStatus>Available</EntityAvailabilityStatus>` +
		`<EnableSubscriptionPartitioning>false</EnableSubscriptionPartitioning><EnableExpress>false</EnableExpress>` +
		`<MaxMessageSizeInKilobytes>256</MaxMessageSizeInKilobytes>` +
		`</TopicDescription>`
}

// subscriptionDescription renders a SubscriptionDescription with the
// runtime counts c.
func subscriptionDescription(c Counts, created, now time.Time) string {
	return `<SubscriptionDescription xmlns="` + connectNS + `" xmlns:i="` + instanceNS + `">` +
		`<LockDuration>PT1M</LockDuration><RequiresSession>false</RequiresSession>` +
		`<DefaultMessageTimeToLive>` + forever + `</DefaultMessageTimeToLive>` +
		`<DeadLetteringOnMessageExpiration>false</DeadLetteringOnMessageExpiration>` +
		`<DeadLetteringOnFilterEvaluationExceptions>true</DeadLetteringOnFilterEvaluationExceptions>` +
		fmt.Sprintf(`<MessageCount>%d</MessageCount>`, c.total()) +
		`<MaxDeliveryCount>10</MaxDeliveryCount><EnableBatchedOperations>true</EnableBatchedOperations>` +
		`<Status>Active</Status>` + times(created, now, now) +
		countDetails(c) +
		`<AutoDeleteOnIdle>` + forever + `</AutoDeleteOnIdle>` +
		`<EntityAvailabilityStatus>Available</EntityAvailabilityStatus>` +
		`</SubscriptionDescription>`
}

// errorBody renders the management API's error document, as the SDK's
// ManagementError reads it: <Error><Code>…</Code><Detail>…</Detail></Error>.
func errorBody(code int, detail string) string {
	return fmt.Sprintf(`<Error><Code>%d</Code><Detail>%s</Detail></Error>`, code, esc(detail))
}

// stamp formats t as the service does, in UTC with fractional seconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.9999999Z") }

// esc escapes s for XML character data and attributes.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
