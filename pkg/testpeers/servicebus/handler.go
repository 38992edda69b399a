package servicebus

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Content types of the responses, as "Get Entity" and "Enumeration"
// document them.
const (
	entryType = "application/atom+xml;type=entry;charset=utf-8"
	feedType  = "application/atom+xml;type=feed;charset=utf-8"
)

// handle serves one request: only GET (the peer is read-only), only with
// a valid token.
func (p *Peer) handle(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	if err := checkSAS(r.Header.Get("Authorization"), KeyName, p.key, r.Host, r.URL.Path, p.now()); err != nil {
		writeError(w, http.StatusUnauthorized, err.Error())
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "the test peer serves GET only")
		return
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	base := "https://" + r.Host + "/"
	switch {
	case len(segs) == 2 && strings.EqualFold(segs[0], "$Resources") && strings.EqualFold(segs[1], "Queues"):
		list := make([]*entry, 0, len(p.queues))
		for _, q := range p.queues {
			list = append(list, p.queueEntry(base, q, now))
		}
		writeFeed(w, r, base+"$Resources/Queues", "Queues", now, list)
	case len(segs) == 2 && strings.EqualFold(segs[0], "$Resources") && strings.EqualFold(segs[1], "Topics"):
		list := make([]*entry, 0, len(p.topics))
		for _, t := range p.topics {
			list = append(list, p.topicEntry(base, t, now))
		}
		writeFeed(w, r, base+"$Resources/Topics", "Topics", now, list)
	case len(segs) == 2 && strings.EqualFold(segs[1], "Subscriptions"):
		t := p.topics[strings.ToLower(segs[0])]
		if t == nil {
			p.notFound(w, r, "Topic", segs[0])
			return
		}
		list := make([]*entry, 0, len(t.subs))
		for _, s := range t.subs {
			list = append(list, p.subscriptionEntry(base, t, s, now))
		}
		writeFeed(w, r, base+t.name+"/Subscriptions", "Subscriptions", now, list)
	case len(segs) == 3 && strings.EqualFold(segs[1], "Subscriptions"):
		t := p.topics[strings.ToLower(segs[0])]
		if t == nil || t.subs[strings.ToLower(segs[2])] == nil {
			p.notFound(w, r, "Subscription", segs[0]+"|"+segs[2])
			return
		}
		writeEntry(w, p.subscriptionEntry(base, t, t.subs[strings.ToLower(segs[2])], now))
	case len(segs) == 1 && p.queues[strings.ToLower(segs[0])] != nil:
		writeEntry(w, p.queueEntry(base, p.queues[strings.ToLower(segs[0])], now))
	case len(segs) == 1 && p.topics[strings.ToLower(segs[0])] != nil:
		writeEntry(w, p.topicEntry(base, p.topics[strings.ToLower(segs[0])], now))
	default:
		p.notFound(w, r, "Entity", strings.Join(segs, "/"))
	}
}

func (p *Peer) queueEntry(base string, q *queue, now time.Time) *entry {
	return &entry{id: base + q.name, title: q.name, published: p.created, updated: now, author: p.author(),
		desc: queueDescription(q.counts, p.created, now)}
}

func (p *Peer) topicEntry(base string, t *topic, now time.Time) *entry {
	return &entry{id: base + t.name, title: t.name, published: p.created, updated: now, author: p.author(),
		desc: topicDescription(len(t.subs), p.created, now)}
}

func (p *Peer) subscriptionEntry(base string, t *topic, s *queue, now time.Time) *entry {
	return &entry{id: base + t.name + "/Subscriptions/" + s.name, title: s.name, published: p.created, updated: now,
		author: p.author(), desc: subscriptionDescription(s.counts, p.created, now)}
}

// author is the namespace name the entries name as their author.
func (p *Peer) author() string { return "sluice-test-peer" }

// notFound answers 404 as "Get Entity" documents for a missing entity.
func (p *Peer) notFound(w http.ResponseWriter, r *http.Request, kind, name string) {
	writeError(w, http.StatusNotFound,
		"The messaging entity '"+r.Host+":"+kind+":"+name+"' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.")
}

// writeFeed writes the entries sorted by title, paged with the query's
// $skip and $top (the "Enumeration" operation's paging parameters).
func writeFeed(w http.ResponseWriter, r *http.Request, id, title string, now time.Time, list []*entry) {
	slices.SortFunc(list, func(a, b *entry) int { return cmp.Compare(strings.ToLower(a.title), strings.ToLower(b.title)) })
	q := r.URL.Query()
	skip, top := 0, len(list)
	for name, dst := range map[string]*int{"$skip": &skip, "$top": &top} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeError(w, http.StatusBadRequest, "the query parameter "+name+" must be a non-negative integer")
				return
			}
			*dst = n
		}
	}
	skip = min(skip, len(list))
	list = list[skip:min(len(list), skip+top)]
	w.Header().Set("Content-Type", feedType)
	_, _ = w.Write([]byte(feed(id, title, now, list)))
}

func writeEntry(w http.ResponseWriter, e *entry) {
	var b strings.Builder
	e.write(&b, true)
	w.Header().Set("Content-Type", entryType)
	_, _ = w.Write([]byte(b.String()))
}

func writeError(w http.ResponseWriter, code int, detail string) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(errorBody(code, detail)))
}
