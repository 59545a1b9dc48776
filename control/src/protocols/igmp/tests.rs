use super::*;
use crate::protocols::testrig::*;

#[test]
fn igmpv3_startup_sends_two_reports_a_second_apart() {
    let mut r = Rig::new();
    let first = igmp_of(&r.tick(0.0, &[]));
    assert_eq!(first.len(), 1, "one report carries both groups");
    assert!(igmp_of(&r.tick(0.5, &[])).is_empty());
    let second = igmp_of(&r.tick(1.0, &[]));
    assert_eq!(second.len(), 1);
    for p in first.iter().chain(&second) {
        assert_igmp_envelope(p, igmp::IGMPV3_ROUTERS);
        assert!(matches!(p.msg, IgmpMsg::Report { version: 3, .. }));
        assert_eq!(
            records(p),
            vec![
                (RecordType::ChangeToExclude, G10),
                (RecordType::ChangeToExclude, G100)
            ]
        );
    }
    assert!(
        igmp_of(&r.tick(5.0, &[])).is_empty(),
        "robustness 2: no third"
    );
    assert_eq!(r.counter("igmp-reports-sent"), 2);
}

#[test]
fn igmpv2_startup_sends_a_report_to_each_group_twice() {
    let mut r = Rig::with(&with_igmp_v2(CONFIG));
    for t in [0.0, 1.0] {
        let ps = igmp_of(&r.tick(t, &[]));
        assert_eq!(ps.len(), 2);
        for (p, g) in ps.iter().zip([G10, G100]) {
            assert_igmp_envelope(p, g);
            assert_eq!(records(p), vec![(RecordType::ModeIsExclude, g)]);
            assert!(matches!(p.msg, IgmpMsg::Report { version: 2, .. }));
        }
    }
    assert!(igmp_of(&r.tick(3.0, &[])).is_empty());
}

#[test]
fn general_query_answered_after_a_random_delay_within_max_response() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    r.tick(1.0, &[]);
    // Max response 10 s (code 100).
    let q = query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 100, true);
    assert!(
        r.handle(UNDERLAY, &q, 20.0).is_empty(),
        "never answered at once"
    );
    assert_eq!(r.counter("igmp-queries-seen"), 1);
    let mut answers = Vec::new();
    let mut t = 20.0;
    while t <= 30.0 {
        for p in igmp_of(&r.tick(t, &[])) {
            answers.push((t, p));
        }
        t += 0.05;
    }
    assert_eq!(answers.len(), 1, "one answer");
    let (at, p) = &answers[0];
    assert!(*at > 20.0 && *at < 30.0, "answered at {at}");
    assert_igmp_envelope(p, igmp::IGMPV3_ROUTERS);
    assert_eq!(
        records(p),
        vec![
            (RecordType::ModeIsExclude, G10),
            (RecordType::ModeIsExclude, G100)
        ]
    );
    // A zero max response is answered on the next tick.
    let q = query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 0, true);
    r.handle(UNDERLAY, &q, 40.0);
    assert_eq!(igmp_of(&r.tick(40.0, &[])).len(), 1);
}

#[test]
fn v2_query_gets_v2_reports_and_v2_mode_answers_per_group() {
    for text in [CONFIG.to_string(), with_igmp_v2(CONFIG)] {
        let mut r = Rig::with(&text);
        r.tick(0.0, &[]);
        r.tick(1.0, &[]);
        // A v2 general query, max response 2 s.
        r.handle(
            UNDERLAY,
            &query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 20, false),
            10.0,
        );
        let ps = igmp_of(&r.tick(12.0, &[]));
        assert_eq!(ps.len(), 2);
        for (p, g) in ps.iter().zip([G10, G100]) {
            assert_igmp_envelope(p, g);
            assert!(matches!(p.msg, IgmpMsg::Report { version: 2, .. }));
        }
    }
}

#[test]
fn group_specific_query_answers_only_a_joined_group() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    r.tick(1.0, &[]);
    let other = Ipv4Addr::new(239, 9, 9, 9);
    r.handle(UNDERLAY, &query(other, other, 10, true), 5.0);
    assert!(igmp_of(&r.tick(7.0, &[])).is_empty());
    assert_eq!(r.ignored("igmp-unjoined-group"), 1);
    r.handle(UNDERLAY, &query(G100, G100, 10, true), 10.0);
    let ps = igmp_of(&r.tick(11.0, &[]));
    assert_eq!(ps.len(), 1);
    assert_eq!(records(&ps[0]), vec![(RecordType::ModeIsExclude, G100)]);
}

#[test]
fn pending_answers_are_bounded() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    r.tick(1.0, &[]);
    for _ in 0..1000 {
        r.handle(UNDERLAY, &query(G10, G10, 100, true), 2.0);
        r.handle(UNDERLAY, &query(G100, G100, 100, true), 2.0);
    }
    assert!(r.p.igmp.pending.len() <= MAX_PENDING_ANSWERS);
    assert!(igmp_of(&r.tick(13.0, &[])).len() <= 2);
}

#[test]
fn reconfigure_leaves_removed_groups_and_joins_new_ones() {
    for v2 in [false, true] {
        let text = if v2 {
            with_igmp_v2(CONFIG)
        } else {
            CONFIG.to_string()
        };
        let mut r = Rig::with(&text);
        r.tick(0.0, &[]);
        r.tick(1.0, &[]);
        let changed = text.replace("239.1.1.100", "239.1.1.101");
        let mut out = Vec::new();
        r.p.reconfigure(plane_config(&changed), r.at(5.0), &mut out);
        let ps = igmp_of(&ports_of(out));
        let g101 = Ipv4Addr::new(239, 1, 1, 101);
        if v2 {
            assert_eq!(ps.len(), 2);
            assert_igmp_envelope(&ps[0], igmp::ALL_ROUTERS);
            assert_eq!(ps[0].msg, IgmpMsg::Leave { group: G100 });
            assert_igmp_envelope(&ps[1], g101);
        } else {
            assert_eq!(ps.len(), 2);
            assert_eq!(records(&ps[0]), vec![(RecordType::ChangeToInclude, G100)]);
            assert_eq!(records(&ps[1]), vec![(RecordType::ChangeToExclude, g101)]);
        }
        assert_eq!(r.counter("igmp-leaves-sent"), 1);
        // The join is repeated once, a second later.
        assert_eq!(igmp_of(&r.tick(6.0, &[])).len(), 1);
        assert!(igmp_of(&r.tick(8.0, &[])).is_empty());
    }
}

#[test]
fn shutdown_leaves_every_group() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    let mut out = Vec::new();
    r.p.shutdown(&mut out);
    let ps = igmp_of(&ports_of(out));
    assert_eq!(ps.len(), 1);
    assert_igmp_envelope(&ps[0], igmp::IGMPV3_ROUTERS);
    assert_eq!(
        records(&ps[0]),
        vec![
            (RecordType::ChangeToInclude, G10),
            (RecordType::ChangeToInclude, G100)
        ]
    );
    let mut r = Rig::with(&with_igmp_v2(CONFIG));
    let mut out = Vec::new();
    r.p.shutdown(&mut out);
    let ps = igmp_of(&ports_of(out));
    assert_eq!(
        ps.iter().map(|p| p.msg.clone()).collect::<Vec<_>>(),
        vec![
            IgmpMsg::Leave { group: G10 },
            IgmpMsg::Leave { group: G100 }
        ]
    );
    for p in &ps {
        assert_igmp_envelope(p, igmp::ALL_ROUTERS);
    }
}
