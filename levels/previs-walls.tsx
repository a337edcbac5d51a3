<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.8" tiledversion="1.8.2" name="previs-walls" tilewidth="32" tileheight="32" tilecount="11" columns="11">
 <image source="previs-walls.png" width="352" height="32"/>
 <tile id="0">
  <properties>
   <property name="color" type="color" value="#ff80807c"/>
   <property name="height" type="float" value="3"/>
  </properties>
 </tile>
 <tile id="1">
  <properties>
   <property name="color" type="color" value="#ff8c4a3c"/>
   <property name="height" type="float" value="3"/>
  </properties>
 </tile>
 <tile id="2">
  <properties>
   <property name="color" type="color" value="#ff5c606e"/>
   <property name="height" type="float" value="4"/>
  </properties>
 </tile>
 <tile id="3">
  <properties>
   <property name="color" type="color" value="#ffa07040"/>
   <property name="height" type="float" value="1.1"/>
  </properties>
 </tile>
 <tile id="4">
  <properties>
   <property name="color" type="color" value="#ff3c5a78"/>
   <property name="height" type="float" value="1.5"/>
  </properties>
 </tile>
 <tile id="5">
  <properties>
   <property name="color" type="color" value="#ff4a4a48"/>
  </properties>
 </tile>
 <tile id="6">
  <properties>
   <property name="color" type="color" value="#ff6a6258"/>
  </properties>
 </tile>
 <tile id="7">
  <properties>
   <property name="color" type="color" value="#ff303236"/>
  </properties>
 </tile>
 <tile id="8">
  <properties>
   <property name="color" type="color" value="#ff78746c"/>
   <property name="elevation" type="float" value="1.8"/>
  </properties>
 </tile>
 <tile id="9">
  <properties>
   <property name="color" type="color" value="#ff847e74"/>
   <property name="rise" type="float" value="0.9"/>
   <property name="rise_to" value="north"/>
   <property name="steps" type="int" value="5"/>
  </properties>
 </tile>
 <tile id="10">
  <properties>
   <property name="color" type="color" value="#ff847e74"/>
   <property name="elevation" type="float" value="0.9"/>
   <property name="rise" type="float" value="0.9"/>
   <property name="rise_to" value="north"/>
   <property name="steps" type="int" value="5"/>
  </properties>
 </tile>
</tileset>
