<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.8" tiledversion="1.8.2" name="walls" tilewidth="16" tileheight="16" tilecount="4" columns="2">
 <image source="walls.png" width="32" height="32"/>
 <tile id="0">
  <properties>
   <property name="color" type="color" value="#ff804020"/>
   <property name="height" type="float" value="4"/>
  </properties>
 </tile>
 <tile id="1">
  <properties>
   <property name="height" type="float" value="1.2"/>
  </properties>
 </tile>
 <tile id="2" type="performer">
  <properties>
   <property name="role" value="thug"/>
  </properties>
 </tile>
</tileset>
